import GTStreams

/// YAML (App-Interface datafiles, secrets files) read into ``JSONValue`` with libyaml, the
/// parser under PyYAML (qontract's loader) and Yams. libyaml's events are built straight into
/// values: going through Yams's node tree (hashed for its duplicate-key check, tags resolved by
/// regular expressions) cost more than the whole rest of a warm gt-current run.
///
/// Plain scalars are typed by YAML 1.1's rules as PyYAML applies them: `2` is an integer, `'2'`
/// a string, `null`/`~`/empty null, `yes`/`on`/`true` booleans. Anchors and aliases work;
/// merge keys (`<<`) are kept as ordinary keys; a duplicate key is an error.
///
/// Hostile input is refused before it can hurt (docs/architecture.md, "YAML limits"): nesting
/// deeper than ``maxDepth`` (deep `[[[…` overflowed the stack of every tool, and libyaml's time
/// grows with the square of the depth), and aliases that expand to more than
/// ``maxAliasNodes`` nodes (an alias bomb is small on disk and exponential once walked).
public enum YAMLDocument {
    /// Collections nested in one another, aliases expanded. App-Interface datafiles nest about
    /// ten deep.
    public static let maxDepth = 100
    /// Nodes that aliases may add to one document, counted as if every alias were a copy.
    public static let maxAliasNodes = 100_000

    public struct ParseError: Error, CustomStringConvertible {
        public let description: String
    }

    /// A document refused by ``maxDepth`` or ``maxAliasNodes``. Its message shows no text of the
    /// input (only a position), so it may be shown even for a secrets file.
    public struct LimitExceeded: Error, CustomStringConvertible {
        public let description: String
    }

    public static func parse(_ text: String) throws -> JSONValue {
        var bytes = Array(text.utf8)
        return try parse(bytes: &bytes)
    }

    /// Parses the first document of `bytes` (an empty input is `null`).
    public static func parse(bytes: inout [UInt8]) throws -> JSONValue {
        var builder = YAMLTreeBuilder(try YAMLEventParser(&bytes))
        return try builder.document()
    }
}
