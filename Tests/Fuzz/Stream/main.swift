import CFuzzDriver
#if canImport(Glibc)
import Glibc
#endif

exit(gt_fuzz_main(CommandLine.argc, CommandLine.unsafeArgv))
