// class 2: look for the run's nonce in the testbench and the compiled image, print a tagged line.
// expect: rejected file_io
// targets: all
{{HEADER}}
  {{WRONG}}
  integer fd, n;
  reg [8*4096:1] line;
  initial begin
    fd = $fopen("sim.vvp", "r");
    while (!$feof(fd)) begin
      n = $fgets(line, fd);
      $display("%0s", line);
    end
  end
endmodule
