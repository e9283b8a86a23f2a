module async_fifo #(
    parameter integer DW = 8,
    parameter integer AW = 3
) (
    input  wire          wclk,
    input  wire          wrst_n,
    input  wire          winc,
    input  wire [DW-1:0] wdata,
    output wire          wfull,
    output wire [AW:0]   wlevel,
    input  wire          rclk,
    input  wire          rrst_n,
    input  wire          rinc,
    output wire [DW-1:0] rdata,
    output wire          rempty,
    output wire [AW:0]   rlevel
);
    reg [DW-1:0] mem [0:(1 << AW) - 1];
    reg [AW:0] wbin, wptr, rq1, rq2;
    reg [AW:0] rbin, rptr, wq1, wq2;
    reg        wfull_r, rempty_r;

    function [AW:0] bin_of(input [AW:0] g);
        integer i;
        begin
            bin_of[AW] = g[AW];
            for (i = AW - 1; i >= 0; i = i - 1)
                bin_of[i] = bin_of[i + 1] ^ g[i];
        end
    endfunction

    wire [AW:0] wbin_next = wbin + (winc && !wfull_r);
    wire [AW:0] wgray_next = wbin_next ^ (wbin_next >> 1);
    wire [AW:0] rbin_next = rbin + (rinc && !rempty_r);
    wire [AW:0] rgray_next = rbin_next ^ (rbin_next >> 1);

    always @(posedge wclk or negedge wrst_n) begin
        if (!wrst_n) begin
            wbin <= 0;
            wptr <= 0;
            rq1 <= 0;
            rq2 <= 0;
            wfull_r <= 1'b0;
        end else begin
            wbin <= wbin_next;
            wptr <= wgray_next;
            rq1 <= rptr;
            rq2 <= rq1;
            wfull_r <= (wgray_next == {~rq2[AW:AW-1], rq2[AW-2:0]});
        end
    end

    always @(posedge wclk)
        if (winc && !wfull_r) mem[wbin[AW-1:0]] <= wdata;

    always @(posedge rclk or negedge rrst_n) begin
        if (!rrst_n) begin
            rbin <= 0;
            rptr <= 0;
            wq1 <= 0;
            wq2 <= 0;
            rempty_r <= 1'b1;
        end else begin
            rbin <= rbin_next;
            rptr <= rgray_next;
            wq1 <= wptr;
            wq2 <= wq1;
            rempty_r <= (rgray_next == wq2);
        end
    end

    assign wfull = wfull_r;
    assign rempty = rempty_r;
    assign wlevel = wbin - bin_of(rq2);
    assign rlevel = bin_of(wq2) - rbin;
    assign rdata = mem[rbin[AW-1:0]];
endmodule
