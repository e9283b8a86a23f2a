// A chatty SystemVerilog answer: the design, then a class-based testbench of its own.
// expect: pass
// targets: core-and, v2-and
{{HEADER}}
  assign {{OUT}} = a & b;
endmodule

class Stimulus;
  rand bit a, b;
  function void show();
    $display("a=%b b=%b", a, b);
  endfunction
endclass

module {{TOP}}_tb;
  Stimulus s;
  reg a, b;
  wire y;
  {{TOP}} dut (.a(a), .b(b), .{{OUT}}(y));
  initial begin
    s = new();
    repeat (4) begin
      void'(s.randomize());
      {a, b} = {s.a, s.b};
      #1 if (y !== (a & b)) $error("mismatch");
    end
    $finish;
  end
endmodule
