module rr_burst_arbiter #(
    parameter integer N  = 4,
    parameter integer LW = 4
) (
    input  wire            clk,
    input  wire            rst,
    input  wire [N-1:0]    req,
    input  wire [N*LW-1:0] len,
    input  wire            beat,
    output wire [N-1:0]    gnt,
    output wire            last_beat
);
    reg           owner_valid;
    reg  [4:0]    owner;
    reg  [4:0]    last;
    reg  [LW:0]   remaining;

    // pick: first requester after `last`, wrapping modulo N
    reg           found;
    reg  [4:0]    pick;
    integer       k, idx;
    always @* begin
        found = 1'b0;
        pick = 5'd0;
        for (k = 1; k <= N; k = k + 1) begin
            idx = (last + k) % N;
            if (!found && req[idx]) begin
                found = 1'b1;
                pick = idx[4:0];
            end
        end
    end

    wire ends = owner_valid && ((beat && remaining == 1) || !req[owner]);

    always @(posedge clk) begin
        if (rst) begin
            owner_valid <= 1'b0;
            last <= N - 1;
        end else if (!owner_valid || ends) begin
            if (found) begin
                owner_valid <= 1'b1;
                owner <= pick;
                last <= pick;
                remaining <= len[pick*LW +: LW] + 1'b1;
            end else begin
                owner_valid <= 1'b0;
            end
        end else if (beat) begin
            remaining <= remaining - 1'b1;
        end
    end

    genvar g;
    generate
        for (g = 0; g < N; g = g + 1) begin : g_gnt
            assign gnt[g] = owner_valid && owner == g;
        end
    endgenerate
    assign last_beat = owner_valid && remaining == 1;
endmodule
