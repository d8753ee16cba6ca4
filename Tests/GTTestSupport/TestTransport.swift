import GTHTTP

extension HTTPTransport {
    /// A transport for tests that talk plain HTTP to the simulator and set no proxy: no
    /// environment to read CAs or proxy credentials from.
    public convenience init(maxConcurrent: Int) {
        self.init(maxConcurrent: maxConcurrent, environment: [:])
    }

    /// A transport with the given CAs and no proxy.
    public convenience init(maxConcurrent: Int, trust: TrustStore) {
        self.init(maxConcurrent: maxConcurrent, environment: [:], trust: trust)
    }
}
