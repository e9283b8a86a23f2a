module rob #(
    parameter integer DEPTH = 4,
    parameter integer TW    = 2,
    parameter integer DW    = 8
) (
    input  wire          clk,
    input  wire          rst,
    input  wire          alloc_req,
    output wire          alloc_gnt,
    output wire [TW-1:0] alloc_tag,
    input  wire          c0_valid,
    input  wire [TW-1:0] c0_tag,
    input  wire [DW-1:0] c0_data,
    input  wire          c1_valid,
    input  wire [TW-1:0] c1_tag,
    input  wire [DW-1:0] c1_data,
    output wire          m_valid,
    input  wire          m_ready,
    output wire [TW-1:0] m_tag,
    output wire [DW-1:0] m_data,
    output wire [TW:0]   count
);
    reg [DW-1:0]    res [0:DEPTH-1];
    reg [DEPTH-1:0] done;
    reg [TW-1:0]    head, tail;
    reg [TW:0]      cnt;

    wire hit0 = c0_valid && c0_tag == head;
    wire hit1 = c1_valid && c1_tag == head;
    assign m_valid   = cnt != 0 && (done[head] || hit0 || hit1);
    assign m_tag     = head;
    assign m_data    = done[head] ? res[head] : (hit0 ? c0_data : c1_data);
    wire retire      = m_valid && m_ready;
    assign alloc_gnt = alloc_req && (cnt < DEPTH || retire);
    assign alloc_tag = tail;
    assign count     = cnt;

    always @(posedge clk) begin
        if (rst) begin
            head <= 0;
            tail <= 0;
            cnt  <= 0;
            done <= 0;
        end else begin
            if (c0_valid) begin
                res[c0_tag]  <= c0_data;
                done[c0_tag] <= 1'b1;
            end
            if (c1_valid) begin
                res[c1_tag]  <= c1_data;
                done[c1_tag] <= 1'b1;
            end
            if (retire) begin
                done[head] <= 1'b0;
                head <= (head == DEPTH - 1) ? {TW{1'b0}} : head + 1'b1;
            end
            if (alloc_gnt)
                tail <= (tail == DEPTH - 1) ? {TW{1'b0}} : tail + 1'b1;
            cnt <= cnt + alloc_gnt - retire;
        end
    end
endmodule
