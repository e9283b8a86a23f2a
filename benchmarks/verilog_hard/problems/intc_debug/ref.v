module intc8 (
    input  wire       clk,
    input  wire       rst,
    input  wire [7:0] irq_in,
    input  wire       wr_en,
    input  wire [1:0] wr_addr,
    input  wire [7:0] wr_data,
    input  wire       ack,
    output wire [7:0] pending,
    output reg        irq_out,
    output reg  [2:0] irq_id
);
    reg [7:0] prev, pend, mask, prio_hi;

    wire [7:0] rise = irq_in & ~prev;
    wire [7:0] active = pend & mask;
    wire [7:0] hi = active & prio_hi;
    wire [7:0] cand = (hi != 8'h00) ? hi : active;

    integer i;
    always @* begin
        irq_out = (active != 8'h00);
        irq_id = 3'd0;
        for (i = 7; i >= 0; i = i - 1)
            if (cand[i]) irq_id = i[2:0];
    end

    wire [7:0] w1c = (wr_en && wr_addr == 2'd1) ? wr_data : 8'h00;
    wire [7:0] ackd = (ack && irq_out) ? (8'h01 << irq_id) : 8'h00;

    always @(posedge clk) begin
        if (rst) begin
            prev <= 8'h00;
            pend <= 8'h00;
            mask <= 8'h00;
            prio_hi <= 8'h00;
        end else begin
            prev <= irq_in;
            pend <= (pend & ~(w1c | ackd)) | rise;
            if (wr_en && wr_addr == 2'd0) mask <= wr_data;
            if (wr_en && wr_addr == 2'd2) prio_hi <= wr_data;
        end
    end

    assign pending = pend;
endmodule
