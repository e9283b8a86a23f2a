module wb_cache (
    input  wire        clk,
    input  wire        rst,
    input  wire        cpu_valid,
    input  wire        cpu_we,
    input  wire [9:0]  cpu_addr,
    input  wire [31:0] cpu_wdata,
    output reg         cpu_ready,
    output reg  [31:0] cpu_rdata,
    output wire        mem_req,
    output wire        mem_we,
    output wire [9:0]  mem_addr,
    output wire [31:0] mem_wdata,
    input  wire        mem_ack,
    input  wire [31:0] mem_rdata
);
    localparam [1:0] LOOKUP = 2'd0, RESP = 2'd1, EVICT = 2'd2, FILL = 2'd3;

    reg [1:0]  state;
    reg [1:0]  w;
    reg [3:0]  valid, dirty;
    reg [5:0]  tags [0:3];
    reg [31:0] data [0:15];

    wire [5:0] tag = cpu_addr[9:4];
    wire [1:0] index = cpu_addr[3:2];
    wire [1:0] offset = cpu_addr[1:0];
    wire       hit = valid[index] && tags[index] == tag;

    assign mem_req = (state == EVICT) || (state == FILL);
    assign mem_we = (state == EVICT);
    assign mem_addr = {(state == EVICT) ? tags[index] : tag, index, w};
    assign mem_wdata = data[{index, w}];

    always @(posedge clk) begin
        if (rst) begin
            state <= LOOKUP;
            valid <= 4'b0000;
            cpu_ready <= 1'b0;
        end else begin
            case (state)
                LOOKUP: begin
                    if (cpu_valid) begin
                        if (hit) begin
                            if (cpu_we) begin
                                data[{index, offset}] <= cpu_wdata;
                                dirty[index] <= 1'b1;
                            end else begin
                                cpu_rdata <= data[{index, offset}];
                            end
                            cpu_ready <= 1'b1;
                            state <= RESP;
                        end else begin
                            w <= 2'd0;
                            state <= (valid[index] && dirty[index]) ? EVICT : FILL;
                        end
                    end
                end
                RESP: begin
                    cpu_ready <= 1'b0;
                    state <= LOOKUP;
                end
                EVICT: begin
                    if (mem_ack) begin
                        w <= w + 2'd1;
                        if (w == 2'd3) state <= FILL;
                    end
                end
                default: begin
                    if (mem_ack) begin
                        data[{index, w}] <= mem_rdata;
                        w <= w + 2'd1;
                        if (w == 2'd3) begin
                            tags[index] <= tag;
                            valid[index] <= 1'b1;
                            dirty[index] <= 1'b0;
                            state <= LOOKUP;
                        end
                    end
                end
            endcase
        end
    end
endmodule
