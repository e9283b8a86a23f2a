// A function with a for loop, $countones cross-check in a simulation-only block.
// expect: pass
// targets: verilog-core/popcount16
module popcount16 (
    input  wire [15:0] data,
    output wire [4:0]  count
);
  function automatic [4:0] ones(input [15:0] v);
    integer i;
    begin
      ones = 0;
      for (i = 0; i < 16; i = i + 1)
        ones = ones + v[i];
    end
  endfunction

  assign count = ones(data);

  // synthesis translate_off
  always @(data) if (ones(data) != $countones(data)) $error("popcount mismatch");
  // synthesis translate_on
endmodule
