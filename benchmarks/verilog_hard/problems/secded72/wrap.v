// Trusted test wrapper: both candidate modules side by side.
module secded72_tb_top (
    input  wire [63:0] data_in,
    output wire [71:0] code_out,
    input  wire [71:0] code_in,
    output wire [63:0] data_out,
    output wire [7:0]  syndrome,
    output wire        corrected,
    output wire        uncorrectable
);
    secded_enc u_enc (.data_in(data_in), .code_out(code_out));
    secded_dec u_dec (.code_in(code_in), .data_out(data_out), .syndrome(syndrome),
                      .corrected(corrected), .uncorrectable(uncorrectable));
endmodule
