import DiffCore
import GTStreams

/// The current stream gt-adopt reads (what `gt-current`, or `gt-current --all-projects`, wrote):
/// its projects by key, refused whole as every reader refuses one (docs/streams.md), and refused
/// too when it carries an error record: a listing that failed would hide alerts, and a patch built
/// on it would be one made from incomplete data.
struct CurrentProjects {
    private(set) var byKey: [ProjectKey: ProjectRecord] = [:]
    /// The keys in stream order, for a stable report.
    private(set) var order: [ProjectKey] = []

    init(path: String) throws {
        let label = path == "-" ? "current" : "current (\(path))"
        let reader = try StreamReader(stream: .current, lines: LineReader(path: path), label: label)
        var errors: [String] = []
        try reader.forEachBatch(transform: DecodedRecord.current) { batch in
            for record in batch {
                switch record.body {
                case .project(let project):
                    byKey[project.key] = project
                    order.append(project.key)
                case .notice(let notice) where notice.level == .error: errors.append(notice.message)
                default: break
                }
            }
        }
        if !errors.isEmpty {
            throw AdoptError("the current stream reports \(errors.count) error\(errors.count == 1 ? "" : "s") (\(errors.joined(separator: "; "))): "
                + "nothing is adopted from an incomplete listing; fix the cause, or give --instance to adopt from the others")
        }
    }
}

/// A failure that ends the run, with what to do.
struct AdoptError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
