import GTStreams
import Glibc

/// Bearer tokens as the reference's server signs and checks them (README "Drop-in for
/// qontract-api"): a JWT signed with HS256, claims `sub` (who) and `exp` (until when, Unix
/// seconds). Only HS256 is accepted, whatever the token's header asks for: `none` and every
/// other algorithm are refused, so a token cannot choose how it is checked.
public enum JWT {
    /// Why a token is refused: the text FastAPI's reference puts after `Invalid token: `.
    public struct Refusal: Error, Equatable, CustomStringConvertible {
        public let reason: String
        public init(reason: String) { self.reason = reason }
        public var description: String { reason }
    }

    private static let header = Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))

    /// A token for `subject`, valid until `expires` (Unix seconds).
    public static func sign(subject: String, expires: Int64, secret: [UInt8]) -> String {
        let claims: JSONValue = ["sub": .string(subject), "exp": .int(expires)]
        var payload: [UInt8] = []
        claims.write(to: &payload)
        let signed = header + "." + Base64URL.encode(payload)
        return signed + "." + Base64URL.encode(HMACSHA256.mac(Array(signed.utf8), key: secret))
    }

    /// The subject of `token` when its signature is `secret`'s, its header says HS256, and it
    /// has a string `sub` and an integer `exp` later than `now`; else why not. The claims are
    /// read only once the signature holds.
    public static func subject(of token: String, secret: [UInt8], now: Int64) -> Result<String, Refusal> {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .failure(Refusal(reason: parts.count < 3 ? "Not enough segments" : "Too many segments")) }
        guard let headerBytes = Base64URL.decode(parts[0]), let header = try? JSONValue(parsing: headerBytes),
              header.objectValue != nil else {
            return .failure(Refusal(reason: "Invalid header padding"))
        }
        guard header["alg"]?.stringValue == "HS256" else { return .failure(Refusal(reason: "The specified alg value is not allowed")) }
        guard let signature = Base64URL.decode(parts[2]),
              HMACSHA256.equal(signature, HMACSHA256.mac(Array(token.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count)), key: secret))
        else { return .failure(Refusal(reason: "Signature verification failed")) }
        guard let payloadBytes = Base64URL.decode(parts[1]), let claims = try? JSONValue(parsing: payloadBytes), claims.objectValue != nil else {
            return .failure(Refusal(reason: "Invalid payload string"))
        }
        guard let exp = claims["exp"] else { return .failure(Refusal(reason: #"Token is missing the "exp" claim"#)) }
        guard case .int(let expires) = exp else { return .failure(Refusal(reason: "Expiration Time claim (exp) must be an integer.")) }
        guard expires > now else { return .failure(Refusal(reason: "Signature has expired")) }
        guard let subject = claims["sub"]?.stringValue, !subject.isEmpty else {
            return .failure(Refusal(reason: #"Token is missing the "sub" claim"#))
        }
        return .success(subject)
    }

    /// Unix seconds now (`exp` is read against it).
    public static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec)
    }
}
