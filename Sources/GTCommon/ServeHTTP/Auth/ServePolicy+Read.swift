import GTStreams
import Glibc

extension ServePolicy {
    /// A policy file is a few lines; anything past this is not one.
    static let maxFileBytes = 1024 * 1024

    /// The policy in the file at `path`, read once when gt-serve starts, or why it cannot be
    /// used: `policy PATH: FIELD.PATH: reason`. A policy that cannot be read whole and exactly
    /// is never guessed at: gt-serve does not start.
    public static func read(file path: String) throws(InputError) -> ServePolicy {
        let bytes: [UInt8]
        do { bytes = try contents(path) } catch { throw InputError("policy \(path): cannot read it: \(error)") }
        return try parse(bytes, file: path)
    }

    /// The policy in `bytes` (``read(file:)`` names `file` in each error).
    public static func parse(_ bytes: [UInt8], file: String) throws(InputError) -> ServePolicy {
        let document: JSONValue
        do { document = try JSONValue(parsing: bytes) } catch {
            throw InputError("policy \(file): not JSON: \(error)")
        }
        func refuse(_ path: String, _ reason: String) -> InputError { InputError("policy \(file): \(path): \(reason)") }
        guard let top = document.objectValue else {
            throw InputError("policy \(file): expected an object with \"subjects\", got \(document.typeName)")
        }
        if let unknown = top.keys.sorted().first(where: { $0 != "subjects" }) { throw refuse(unknown, "unknown field (known: subjects)") }
        guard let listed = top["subjects"] else { throw refuse("subjects", "required") }
        guard let entries = listed.objectValue else { throw refuse("subjects", "expected an object, got \(listed.typeName)") }
        var subjects: [String: Grant] = [:]
        for (subject, value) in entries.sorted(by: { $0.key < $1.key }) {
            let place = "subjects.\(subject)"
            guard !subject.isEmpty else { throw refuse("subjects", "a subject's name is empty") }
            guard let fields = value.objectValue else { throw refuse(place, "expected an object, got \(value.typeName)") }
            if let unknown = fields.keys.sorted().first(where: { !["instances", "apply"].contains($0) }) {
                throw refuse("\(place).\(unknown)", "unknown field (known: instances, apply)")
            }
            guard let listed = fields["instances"] else { throw refuse("\(place).instances", "required") }
            guard let names = listed.arrayValue else {
                throw refuse("\(place).instances", "expected a list of instance names or \"*\", got \(listed.typeName)")
            }
            var instances: Set<String>? = []
            for (index, name) in names.enumerated() {
                guard let text = name.stringValue else { throw refuse("\(place).instances.\(index)", "expected a string, got \(name.typeName)") }
                guard !text.isEmpty else { throw refuse("\(place).instances.\(index)", "an instance name is empty") }
                if text == "*" { instances = nil } else { instances?.insert(text) }
            }
            var apply = false
            if let given = fields["apply"] {
                guard let flag = given.boolValue else { throw refuse("\(place).apply", "expected true or false") }
                apply = flag
            }
            subjects[subject] = Grant(instances: instances, apply: apply)
        }
        return ServePolicy(subjects: subjects)
    }

    /// The regular file at `path`, at most ``maxFileBytes``.
    private static func contents(_ path: String) throws(PolicyFileError) -> [UInt8] {
        let fd: Int32
        do { fd = try SystemCall.open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) } catch { throw .system(error) }
        defer { SystemCall.close(fd) }
        let status: stat
        do { status = try SystemCall.fileStatus(fd) } catch { throw .system(error) }
        guard status.st_mode & S_IFMT == S_IFREG else { throw .notRegular }
        guard status.st_size <= maxFileBytes else { throw .tooLarge }
        var bytes = [UInt8](repeating: 0, count: maxFileBytes + 1)
        var count = 0
        while count < bytes.count {
            let read: Int
            do { read = try SystemCall.read(fd, into: &bytes, from: count) } catch { throw .system(error) }
            if read == 0 { break }
            count += read
        }
        guard count <= maxFileBytes else { throw .tooLarge }
        return Array(bytes[..<count])
    }

    private enum PolicyFileError: Error, CustomStringConvertible {
        case system(Errno)
        case notRegular
        case tooLarge

        var description: String {
            switch self {
            case .system(let errno): errno.description
            case .notRegular: "not a regular file"
            case .tooLarge: "larger than \(ServePolicy.maxFileBytes) bytes"
            }
        }
    }
}
