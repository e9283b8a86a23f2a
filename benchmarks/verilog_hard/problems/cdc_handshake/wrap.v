// Trusted wrapper: W=16 from the 100 MHz clock (clk1) to the fast one (clk2), W=5 the other way.
module hweval_cdc_wrap (
    input  wire        clk1, rst1, clk2, rst2,
    input  wire        x_a_valid, input wire [15:0] x_a_data, output wire x_a_ready, output wire x_req,
    output wire        x_b_valid, input wire x_b_ready, output wire [15:0] x_b_data, output wire x_ack,
    input  wire        y_a_valid, input wire [4:0] y_a_data, output wire y_a_ready, output wire y_req,
    output wire        y_b_valid, input wire y_b_ready, output wire [4:0] y_b_data, output wire y_ack
);
    cdc_hs #(.W(16)) u_x (.a_clk(clk1), .a_rst(rst1), .a_valid(x_a_valid), .a_ready(x_a_ready), .a_data(x_a_data),
        .req(x_req), .b_clk(clk2), .b_rst(rst2), .b_valid(x_b_valid), .b_ready(x_b_ready), .b_data(x_b_data),
        .ack(x_ack));
    cdc_hs #(.W(5)) u_y (.a_clk(clk2), .a_rst(rst2), .a_valid(y_a_valid), .a_ready(y_a_ready), .a_data(y_a_data),
        .req(y_req), .b_clk(clk1), .b_rst(rst1), .b_valid(y_b_valid), .b_ready(y_b_ready), .b_data(y_b_data),
        .ack(y_ack));
endmodule
