module pwm_dt #(
    parameter integer CW = 8
) (
    input  wire          clk,
    input  wire          rst,
    input  wire [CW-1:0] period,
    input  wire [CW-1:0] duty,
    input  wire [3:0]    dead,
    input  wire          fault,
    input  wire          fault_clr,
    output reg  [CW-1:0] cnt,
    output reg           pwm,
    output reg           sync,
    output wire          out_h,
    output wire          out_l,
    output reg           faulted
);
    reg [CW-1:0] per_q, duty_q;
    reg [3:0]    dead_q, age;

    wire          wrap   = cnt == per_q;
    wire [CW-1:0] nxt    = wrap ? {CW{1'b0}} : cnt + 1'b1;
    wire [CW-1:0] per_n  = wrap ? period : per_q;
    wire [CW-1:0] duty_n = wrap ? duty : duty_q;
    wire [3:0]    dead_n = wrap ? dead : dead_q;
    wire          pwm_n  = nxt < duty_n;
    wire          clear  = faulted && fault_clr && !fault;

    wire settled = age >= dead_q;
    assign out_h = !faulted && pwm && settled;
    assign out_l = !faulted && !pwm && settled;

    always @(posedge clk) begin
        if (rst) begin
            cnt     <= 0;
            per_q   <= 0;
            duty_q  <= 0;
            dead_q  <= 0;
            pwm     <= 1'b0;
            sync    <= 1'b0;
            age     <= 0;
            faulted <= 1'b0;
        end else begin
            cnt    <= nxt;
            per_q  <= per_n;
            duty_q <= duty_n;
            dead_q <= dead_n;
            pwm    <= pwm_n;
            sync   <= wrap;
            if (pwm_n != pwm || clear)
                age <= 0;
            else if (age != 4'd15)
                age <= age + 1'b1;
            if (fault)
                faulted <= 1'b1;
            else if (fault_clr)
                faulted <= 1'b0;
        end
    end
endmodule
