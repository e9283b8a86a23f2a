module parity16 (
    input  wire [15:0] data,
    output wire        even_par,
    output wire        odd_par
);
    wire par_lo = ^data[7:0];
    wire par_hi = ^data[15:8];

    assign even_par = par_lo ^ par_hi;
    assign odd_par  = ~(par_lo ^ par_hi);
endmodule
