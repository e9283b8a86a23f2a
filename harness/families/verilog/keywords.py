"""Words of (System)Verilog that are not names a design or testbench chooses.

:data:`KEYWORDS` is IEEE 1800-2017's reserved words (Annex B) plus Verilog-AMS words Icarus
reserves; :data:`KEEP_WORDS` adds the built-in names used after a dot or in a delay (methods of
arrays, strings, enums, queues and processes; ``std``), which keep their meaning only under
their own name. :data:`TIME_UNITS` are words only when they follow a number.
"""
from __future__ import annotations

KEYWORDS = frozenset("""
accept_on alias always always_comb always_ff always_latch and assert assign assume automatic before begin
bind bins binsof bit break buf bufif0 bufif1 byte case casex casez cell chandle checker class clocking cmos
config const constraint context continue cover covergroup coverpoint cross deassign default defparam design
disable dist do edge else end endcase endchecker endclass endclocking endconfig endfunction endgenerate
endgroup endinterface endmodule endpackage endprimitive endprogram endproperty endspecify endsequence
endtable endtask enum event eventually expect export extends extern final first_match for force foreach
forever fork forkjoin function generate genvar global highz0 highz1 if iff ifnone ignore_bins illegal_bins
implements implies import incdir include initial inout input inside instance int integer interconnect
interface intersect join join_any join_none large let liblist library local localparam logic longint
macromodule matches medium modport module nand negedge nettype new nexttime nmos nor noshowcancelled not
notif0 notif1 null or output package packed parameter pmos posedge primitive priority program property
protected pull0 pull1 pulldown pullup pulsestyle_ondetect pulsestyle_onevent pure rand randc randcase
randsequence rcmos real realtime ref reg reject_on release repeat restrict return rnmos rpmos rtran
rtranif0 rtranif1 s_always s_eventually s_nexttime s_until s_until_with scalared sequence shortint
shortreal showcancelled signed small soft solve specify specparam static string strong strong0 strong1
struct super supply0 supply1 sync_accept_on sync_reject_on table tagged task this throughout time
timeprecision timeunit tran tranif0 tranif1 tri tri0 tri1 triand trior trireg type typedef union unique
unique0 unsigned until until_with untyped use uwire var vectored virtual void wait wait_order wand weak
weak0 weak1 while wildcard wire with within wor xnor xor
""".split())

BUILTIN_NAMES = frozenset("""
std process self status kill await suspend resume srandom get_randstate set_randstate randomize
pre_randomize post_randomize rand_mode constraint_mode size delete exists num first last next prev name
push_back push_front pop_back pop_front insert len putc getc toupper tolower compare icompare substr atoi
atohex atooct atobin atoreal itoa hextoa octtoa bintoa realtoa sum product min max unique_index find
find_index find_first find_first_index find_last find_last_index sort rsort reverse shuffle triggered
option type_option sample get_coverage get_inst_coverage index item
""".split())

#: Units of a time literal (``10ns``, ``1step``): words only right after a number.
TIME_UNITS = frozenset({"s", "ms", "us", "ns", "ps", "fs", "step"})

KEEP_WORDS = KEYWORDS | BUILTIN_NAMES
