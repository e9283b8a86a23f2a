module credit_tx #(
    parameter integer CREDITS = 4
) (
    input  wire       clk,
    input  wire       rst,
    input  wire       s_valid,
    output wire       s_ready,
    input  wire [7:0] s_data,
    output reg        l_valid,
    output reg  [7:0] l_data,
    input  wire       credit_in
);
    reg [5:0] cred;
    wire send = s_valid && (cred != 6'd0);

    always @(posedge clk) begin
        if (rst) begin
            cred <= CREDITS;
            l_valid <= 1'b0;
        end else begin
            l_valid <= send;
            if (send) l_data <= s_data;
            cred <= cred - send + credit_in;
        end
    end

    assign s_ready = (cred != 6'd0);
endmodule

module credit_rx #(
    parameter integer DEPTH = 4
) (
    input  wire       clk,
    input  wire       rst,
    input  wire       l_valid,
    input  wire [7:0] l_data,
    output wire       m_valid,
    input  wire       m_ready,
    output wire [7:0] m_data,
    output reg        credit_out
);
    reg [7:0] mem [0:DEPTH-1];
    reg [4:0] rp, wp, count;
    wire pop = m_valid && m_ready;

    always @(posedge clk) begin
        if (rst) begin
            rp <= 5'd0;
            wp <= 5'd0;
            count <= 5'd0;
            credit_out <= 1'b0;
        end else begin
            credit_out <= pop;
            if (pop) rp <= (rp == DEPTH - 1) ? 5'd0 : rp + 5'd1;
            if (l_valid) begin
                mem[wp] <= l_data;
                wp <= (wp == DEPTH - 1) ? 5'd0 : wp + 5'd1;
            end
            count <= count + l_valid - pop;
        end
    end

    assign m_valid = (count != 5'd0);
    assign m_data = mem[rp];
endmodule
