module traffic_light (
    input  wire clk,
    input  wire rst,
    input  wire ped_req,
    output wire car_green,
    output wire car_yellow,
    output wire car_red,
    output wire walk,
    output wire ped_wait
);

  localparam [1:0] GREEN  = 2'd0,
                   YELLOW = 2'd1,
                   WALK   = 2'd2,
                   CLEAR  = 2'd3;

  // last timer value of each phase (duration - 1)
  localparam [3:0] GREEN_LAST  = 4'd9,
                   YELLOW_LAST = 4'd2,
                   WALK_LAST   = 4'd4,
                   CLEAR_LAST  = 4'd2;

  reg [1:0] phase;
  reg [3:0] timer;
  reg       pending;

  always @(posedge clk) begin
    if (rst) begin
      phase   <= GREEN;
      timer   <= 4'd0;
      pending <= 1'b0;
    end else begin
      if (phase == WALK)
        pending <= 1'b0;
      else if (ped_req)
        pending <= 1'b1;

      case (phase)
        GREEN: begin
          if (timer >= GREEN_LAST) begin
            if (pending) begin
              phase <= YELLOW;
              timer <= 4'd0;
            end
          end else begin
            timer <= timer + 4'd1;
          end
        end
        YELLOW: begin
          if (timer >= YELLOW_LAST) begin
            phase <= WALK;
            timer <= 4'd0;
          end else begin
            timer <= timer + 4'd1;
          end
        end
        WALK: begin
          if (timer >= WALK_LAST) begin
            phase <= CLEAR;
            timer <= 4'd0;
          end else begin
            timer <= timer + 4'd1;
          end
        end
        default: begin
          if (timer >= CLEAR_LAST) begin
            phase <= GREEN;
            timer <= 4'd0;
          end else begin
            timer <= timer + 4'd1;
          end
        end
      endcase
    end
  end

  assign car_green  = (phase == GREEN);
  assign car_yellow = (phase == YELLOW);
  assign car_red    = (phase == WALK) || (phase == CLEAR);
  assign walk       = (phase == WALK);
  assign ped_wait   = pending;

endmodule
