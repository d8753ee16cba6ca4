import AppInterface
import GTStreams

/// The secrets gt-desired reads, each once however many projects need it, as projects come:
/// a value, or why it could not be read (by path and field, never a value). Without a secret
/// store, the references needed are gathered for one message naming them all. The store is
/// opened when the first secret is needed, so a run that needs none does not depend on it.
public final class SecretSupply {
    private let open: () throws -> SecretResolver?
    private var opened: Result<SecretResolver?, any Error>?
    public private(set) var values: [SecretRef: String] = [:]
    /// Each failed or unavailable reference: the first project (in source order) that needs
    /// it, the order it was found in, and why (nil: no secret store).
    private var failures: [SecretRef: (sourceIndex: Int, sequence: Int, message: String?)] = [:]

    public init(open: @escaping () throws -> SecretResolver?) { self.open = open }

    private var resolver: SecretResolver? {
        if opened == nil { opened = Result { try open() } }
        return try? opened?.get()
    }

    /// Reads the references not read yet; false when any of `refs` has no value.
    public func read(_ refs: [SecretRef], for sourceIndex: Int) async -> Bool {
        for ref in refs where values[ref] == nil {
            if let failure = failures[ref] {
                if sourceIndex < failure.sourceIndex { failures[ref]!.sourceIndex = sourceIndex }
                continue
            }
            guard let resolver else {
                failures[ref] = (sourceIndex, failures.count, nil)
                continue
            }
            do { values[ref] = try await resolver.value(of: ref) } catch {
                failures[ref] = (sourceIndex, failures.count, "\(error)")
            }
        }
        return refs.allSatisfy { values[$0] != nil }
    }

    /// Why secrets are missing, in the order the source's projects first need them.
    public var errors: [String] {
        let ordered = failures.sorted { ($0.value.sourceIndex, $0.value.sequence) < ($1.value.sourceIndex, $1.value.sequence) }
        guard !ordered.isEmpty else { return [] }
        if case .failure(let error)? = opened { return ["\(error)"] }
        guard resolver != nil else {
            return ["secrets are needed (\(ordered.map(\.key.description).joined(separator: ", "))) but no secret store is set: "
                + "set VAULT_ADDR (with VAULT_TOKEN, or VAULT_ROLE_ID and VAULT_SECRET_ID) or GT_SECRETS_FILE"]
        }
        return ordered.compactMap(\.value.message)
    }

    /// Vault's transport, on every path (docs/architecture.md, "Transport lifecycle").
    public func shutdown() async {
        if case .success(let resolver?)? = opened { await resolver.shutdown() }
    }
}
