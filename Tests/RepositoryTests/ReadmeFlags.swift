import Foundation

/// Reading flags out of a command's `--help` and out of the README's sections, for
/// `ReadmeTests`: which flags a command defines, and which command each flag the README shows
/// belongs to.
enum ReadmeFlags {
    /// Our commands by the words that name them in the README.
    static let commands: [String: String] = [
        "gt-desired": "gt-desired", "gt-current": "gt-current", "gt-diff": "gt-diff", "gt-apply": "gt-apply",
        "gt-reconcile": "scripts/gt-reconcile", "scripts/gt-reconcile": "scripts/gt-reconcile",
        "scripts/bench": "scripts/bench", "scripts/install": "scripts/install", "scripts/fuzz": "scripts/fuzz",
        "scripts/test": "scripts/test", "gt-serve": "gt-serve serve", "gt-adopt": "gt-adopt",
    ]

    /// Our commands named by two words, a program and its subcommand: a flag after
    /// `gt-serve token` is that subcommand's; after `gt-serve` alone, the default one's.
    static let subcommands: [String: String] = ["gt-serve serve": "gt-serve serve", "gt-serve token": "gt-serve token"]

    /// Programs whose flags the README shows that are not ours: a flag after one of them is its.
    static let otherPrograms: Set<String> = [
        "swift", "jq", "python3", "python", "redis-server", "redis-cli", "valkey-server", "curl", "git", "apt-get", "readelf",
        "sudo", "env", "bash", "sh", "diff", "xargs", "docker", "podman", "make", "openssl", "tinyproxy", "timeout", "ulimit",
        "install", "cp", "ls", "grep", "sed", "kill", "cron", "crontab", "qontract-reconcile", "pip", "flock", "sort", "vault",
    ]

    /// The `--flag` words in `text`, in order.
    static func flags(in text: some StringProtocol) -> [String] {
        var found: [String] = []
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i + 2 < scalars.count {
            let boundary = i == 0 || !(CharacterSet.alphanumerics.contains(scalars[i - 1]) || scalars[i - 1] == "-")
            if boundary, scalars[i] == "-", scalars[i + 1] == "-", CharacterSet.lowercaseLetters.contains(scalars[i + 2]) {
                var j = i + 2
                while j < scalars.count, CharacterSet.lowercaseLetters.contains(scalars[j]) || scalars[j] == "-"
                    || CharacterSet.decimalDigits.contains(scalars[j]) { j += 1 }
                found.append(String(String.UnicodeScalarView(scalars[i..<j])))
                i = j
            } else {
                i += 1
            }
        }
        return found
    }

    /// The flags a `--help` defines: those of its usage lines (from `usage:` to the first blank
    /// line) and of its option column (a line indented at most six spaces that starts with a
    /// dash, not a bullet, up to the first two spaces). Prose that mentions a flag defines none.
    static func defined(byHelp help: String) -> Set<String> {
        var defined: Set<String> = []
        var inUsage = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.drop { $0 == " " }
            if line.lowercased().hasPrefix("usage:") { inUsage = true }
            if trimmed.isEmpty { inUsage = false }
            if inUsage {
                defined.formUnion(flags(in: line))
            } else if (1...6).contains(line.count - trimmed.count), trimmed.hasPrefix("-"), !trimmed.hasPrefix("- ") {
                let column = trimmed.range(of: "  ").map { trimmed[..<$0.lowerBound] } ?? trimmed
                defined.formUnion(flags(in: column))
            }
        }
        return defined
    }

    /// The lines under `heading` (a whole line of README.md), up to the next heading of the
    /// same or a higher level; with `subsections: false`, up to any next heading. Fenced code
    /// is read like the rest: its `#` comments are not headings.
    static func section(_ heading: String, of readme: String, subsections: Bool = true) -> [Substring]? {
        let lines = readme.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0 == heading }) else { return nil }
        let level = heading.prefix { $0 == "#" }.count
        var inFence = false
        var end = lines.endIndex
        for index in lines.index(after: start)..<lines.endIndex {
            let line = lines[index]
            if line.hasPrefix("```") { inFence.toggle() }
            guard !inFence, line.hasPrefix("#") else { continue }
            let other = line.prefix { $0 == "#" }.count
            if other <= level || !subsections { end = index; break }
        }
        return Array(lines[lines.index(after: start)..<end])
    }

    /// Each flag the lines show, with the command it belongs to: the last of our commands named
    /// before it in the same piece of a line (pieces end at `|`, `(`, `)`, `;`, a backtick or
    /// `&&`), else `owner`; none after another program's name.
    static func attributed(_ lines: [Substring], owner: String) -> [(command: String, flag: String)] {
        var found: [(command: String, flag: String)] = []
        for text in lines {
            for segment in text.split(whereSeparator: { "|();`".contains($0) }).flatMap({ $0.components(separatedBy: "&&") }) {
                var command: String? = owner
                var previous = ""
                for word in segment.split(separator: " ") {
                    let name = String(word.drop { $0 == "<" }).trimmingCharacters(in: CharacterSet(charactersIn: ",.:"))
                    let base = name.split(separator: "/").last.map(String.init) ?? name
                    defer { previous = base }
                    if let sub = subcommands["\(previous) \(name)"] {
                        command = sub
                    } else if let ours = commands[name] ?? (base.hasPrefix("gt-") ? commands[base] : nil) {
                        command = ours
                    } else if otherPrograms.contains(name) {
                        command = nil
                    }
                    guard let command else { continue }
                    found += flags(in: word).map { (command, $0) }
                }
            }
        }
        return found
    }
}
