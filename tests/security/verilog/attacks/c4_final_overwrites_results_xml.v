// class 4: a final block rewrites cocotb's results.xml after the tests ran.
// expect: rejected file_io
// targets: all
{{HEADER}}
  {{WRONG}}
  integer fd;
  final begin
    fd = $fopen("results.xml", "w");
    $fwrite(fd, "<?xml version=\"1.0\"?><testsuites><testsuite name=\"t\" tests=\"1\"><testcase classname=\"tb\" name=\"t\"/></testsuite></testsuites>");
    $fclose(fd);
  end
endmodule
