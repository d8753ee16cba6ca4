import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif
import GTStreams

/// `--format` and `--color`, shared by the tools that print a plan (gt-diff, gt-apply).
public struct OutputOptions: ParsableArguments, Sendable {
    public enum Format: String, ExpressibleByArgument, Sendable, CaseIterable {
        case auto, text, ndjson, markdown
    }

    public enum ColorMode: String, ExpressibleByArgument, Sendable, CaseIterable {
        case auto, always, never
    }

    @Option(help: "text (a plan for people), ndjson (the stream), markdown (a plan for a merge-request comment), or auto: text on a terminal.")
    public var format: Format = .auto

    @Option(help: "Color the text output: auto (a terminal without NO_COLOR), always, never.")
    public var color: ColorMode = .auto

    public init() {}

    /// Whether stdout gets a plan for people (text or Markdown) rather than the stream.
    public func wantsText() -> Bool {
        switch format {
        case .text, .markdown: true
        case .ndjson: false
        case .auto: SystemCall.isTerminal(1)
        }
    }

    /// The plan as Markdown (PlanMarkdown), for a merge-request comment.
    public var wantsMarkdown: Bool { format == .markdown }

    public func wantsColor(environment: [String: String]) -> Bool {
        switch color {
        case .always: true
        case .never: false
        case .auto:
            SystemCall.isTerminal(1) && environment["NO_COLOR"].map(\.isEmpty) ?? true && environment["TERM"] != "dumb"
        }
    }
}
