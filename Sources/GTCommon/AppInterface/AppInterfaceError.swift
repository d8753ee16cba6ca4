/// A problem in App-Interface data, named by where it is: a file (or GraphQL path), then what.
public struct AppInterfaceError: Error, Sendable, CustomStringConvertible, Equatable {
    public let origin: String
    public let message: String

    public init(origin: String, message: String) {
        self.origin = origin
        self.message = message
    }

    public var description: String { origin.isEmpty ? message : "\(origin): \(message)" }
}
