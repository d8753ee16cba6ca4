import Foundation

/// The peak memory of one process of a shell pipeline: the kernel's high-water mark of its
/// resident set (`ru_maxrss` from `wait4`, what `/proc/PID/status` shows as VmHWM), read after
/// it ended, with its exit status.
public enum PeakMemory {
    /// A command prefix: `\(prefix(file)) gt-diff …` runs gt-diff and then writes
    /// `<status> <peak KiB>` to `file` (the status negative when a signal ended it).
    public static func prefix(writingTo file: String) -> String {
        let script = """
            import os, subprocess, sys
            child = subprocess.Popen(sys.argv[2:], close_fds=False)  # keeps a <(…) descriptor
            _, status, usage = os.wait4(child.pid, 0)
            child.returncode = 0
            open(sys.argv[1], "w").write("%d %d\\n" % (os.waitstatus_to_exitcode(status), usage.ru_maxrss))
            """
        return "python3 -c '\(script)' '\(file)'"
    }

    /// What ``prefix(writingTo:)`` wrote.
    public static func read(_ file: String) throws -> (status: Int, peakKiB: Int) {
        let parts = try String(contentsOfFile: file, encoding: .utf8).split(separator: " ")
        guard parts.count == 2, let status = Int(parts[0]), let peak = Int(parts[1].trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw CocoaError(.fileReadCorruptFile) }
        return (status, peak)
    }
}
