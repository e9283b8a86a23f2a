// Trusted wrapper: the PWM at CW=8 and at CW=4, with separate inputs.
module hweval_pwm_wrap (
    input  wire       clk, rst,
    input  wire [7:0] period_a, duty_a, input wire [3:0] dead_a, input wire fault_a, fault_clr_a,
    output wire [7:0] cnt_a, output wire pwm_a, sync_a, out_h_a, out_l_a, faulted_a,
    input  wire [3:0] period_b, duty_b, input wire [3:0] dead_b, input wire fault_b, fault_clr_b,
    output wire [3:0] cnt_b, output wire pwm_b, sync_b, out_h_b, out_l_b, faulted_b
);
    pwm_dt #(.CW(8)) u_a (.clk(clk), .rst(rst), .period(period_a), .duty(duty_a), .dead(dead_a), .fault(fault_a),
        .fault_clr(fault_clr_a), .cnt(cnt_a), .pwm(pwm_a), .sync(sync_a), .out_h(out_h_a), .out_l(out_l_a),
        .faulted(faulted_a));
    pwm_dt #(.CW(4)) u_b (.clk(clk), .rst(rst), .period(period_b), .duty(duty_b), .dead(dead_b), .fault(fault_b),
        .fault_clr(fault_clr_b), .cnt(cnt_b), .pwm(pwm_b), .sync(sync_b), .out_h(out_h_b), .out_l(out_l_b),
        .faulted(faulted_b));
endmodule
