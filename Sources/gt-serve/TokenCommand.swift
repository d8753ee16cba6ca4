import ArgumentParser
import GTStreams
import ServeHTTP

/// `gt-serve token`: a Bearer token for a client, signed with QAPI_JWT_SECRET_KEY.
struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Print a Bearer token (HS256 JWT) for a client, signed with QAPI_JWT_SECRET_KEY.",
        version: GTVersion.current)

    @Option(help: ArgumentHelp("Who the token is for (its `sub` claim; revoke it with QAPI_JWT_REVOKED_SUBJECTS).", valueName: "name"))
    var sub: String

    @Option(help: ArgumentHelp("Valid for this many days (1 to 3650; default QAPI_JWT_EXPIRE_DAYS, else 180).", valueName: "n"))
    var days: Int64?

    func validate() throws {
        if sub.isEmpty { throw ValidationError("--sub must not be empty") }
        if let days, !(1...3650).contains(days) { throw ValidationError("--days must be from 1 to 3650, got \(days)") }
    }

    func run() throws {
        let settings: ServeSettings
        do { settings = try ServeSettings.read(Environment.current) } catch {
            Diagnostics(tool: "gt-serve").error(error.message)
            throw ExitCode(64)
        }
        let expires = JWT.now() + (days ?? settings.jwtExpireDays) * 86_400
        print(JWT.sign(subject: sub, expires: expires, secret: settings.jwtSecret))
    }
}
