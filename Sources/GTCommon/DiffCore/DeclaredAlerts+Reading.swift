import GTStreams

/// Why a history file was refused: the file, the line, what was wrong.
public struct HistoryError: Error, Sendable, CustomStringConvertible, Equatable {
    public let file: String
    public let line: Int?
    public let message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String {
        line.map { "history \(file), line \($0): \(message)" } ?? "history \(file): \(message)"
    }
}

extension DeclaredAlerts {
    /// Reads a history as ``rendered()`` writes it and refuses anything else, naming the line
    /// (docs/rules.md, "Deletes of alerts no desired state declared"): a history misread would
    /// hide the very deletes it is there to show, so a file cut short, edited out of order or of
    /// another version is an error, not a smaller history. Fields it does not know are ignored.
    public init(reading lines: LineReader, file: String) throws(HistoryError) {
        func fail(_ line: Int?, _ message: String) -> HistoryError { HistoryError(file: file, line: line, message: message) }
        var alerts: [DeclaredAlert] = []
        var header = false
        var end: Int?
        while true {
            let next: LineReader.Line?
            do { next = try lines.next() } catch { throw fail(error.line, error.message) }
            guard let line = next else { break }
            if let end { throw fail(line.number, "data after the end line (line \(end))") }
            let record: JSONField
            do { record = try Self.object(line) } catch { throw fail(line.number, "\(error)") }
            do {
                let kind = try record.string("kind")
                switch (header, kind) {
                case (false, "header"):
                    guard try record.string("format") == Self.format else {
                        throw fail(line.number, "not a history of gt-diff (format is not '\(Self.format)')")
                    }
                    let version = try record.int("version")
                    guard version == Self.version else {
                        throw fail(line.number, "version \(version); this gt-diff reads version \(Self.version)")
                    }
                    header = true
                case (false, _):
                    throw fail(line.number, "the first line must be the header ({\"format\":\"\(Self.format)\",\"kind\":\"header\",…})")
                case (true, "alert"):
                    let alert = DeclaredAlert(project: ProjectKey(instance: try record.name("instance"),
                                                                  organization: try record.name("organization"),
                                                                  project: try record.name("project")),
                                              name: try record.string("alert"))
                    if let last = alerts.last, !(last < alert) {
                        throw fail(line.number, "\(alert.project)/\(alert.name) is out of order or repeated: the alerts are "
                                   + "sorted by instance, organization, project and name, each once")
                    }
                    alerts.append(alert)
                case (true, "end"):
                    let said = try record.int("alerts")
                    guard said == Int64(alerts.count) else {
                        throw fail(line.number, "the end line counts \(said) alerts, the file holds \(alerts.count)")
                    }
                    end = line.number
                case (true, _):
                    throw fail(line.number, "kind '\(kind)' is not header, alert or end")
                }
            } catch let error as HistoryError {
                throw error
            } catch {
                throw fail(line.number, "\(error)")
            }
        }
        guard header else { throw fail(nil, "empty: no header line (remove the file to start an empty history)") }
        guard end != nil else { throw fail(nil, "no end line: the file was cut short") }
        self.init(alerts)
    }

    /// One line as a JSON object.
    private static func object(_ line: LineReader.Line) throws -> JSONField {
        guard line.terminated else { throw JSONFieldError(path: "", message: "line is cut off (no newline at the end)") }
        let value: JSONValue
        do { value = try line.bytes.withUnsafeBytes { raw throws(JSONParseError) in try JSONValue(parsing: raw) } } catch {
            throw JSONFieldError(path: "", message: "malformed JSON: \(RedactedURL.scrub("\(error)"))")
        }
        guard case .object = value else { throw JSONFieldError(path: "", message: "expected a JSON object, got \(value.typeName)") }
        return JSONField(value)
    }
}
