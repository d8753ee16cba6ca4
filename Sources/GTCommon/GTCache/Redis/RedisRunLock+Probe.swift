import GTStreams

extension RedisRunLock {
    /// Before any lock is taken: can this server run what the lock needs (README "Running on many
    /// hosts")? A lock that is taken (`SET NX` works everywhere) but cannot be checked, extended or
    /// released would be trusted blindly, then left to block every run until it expires. Scripts
    /// renamed or disabled (`rename-command EVAL ""`), an ACL user without `@scripting` or without
    /// a command the scripts call, a proxy that drops `EVAL`: each is refused here, naming why.
    ///
    /// First both scripts on a key that cannot exist (nothing is written); then on a probe key of
    /// this run's own, taken, extended and deleted as a lock is (`<key>:probe:<random>`, 10 s).
    static func probe(_ session: RedisSession, near key: String) throws {
        let probeKey = "\(key):probe:\(RedisClient.randomToken())"
        let token = RedisClient.randomToken()
        func eval(_ script: String, _ extra: [String] = []) -> [[UInt8]] {
            (["EVAL", script, "1", probeKey, token] + extra).map { Array($0.utf8) }
        }
        let check = eval(RedisClient.checkAndExtendScript, ["10000"])
        let reading = try session.pipeline([eval(RedisClient.unlockScript), check])
        for reply in reading {
            if case .error(let text) = reply { throw refusal(session.url, text) }
        }
        let set = ["SET", probeKey, token, "NX", "PX", "10000"].map { Array($0.utf8) }
        let writing = try session.pipeline([set, check, eval(RedisClient.unlockScript)])
        if case .error(let text) = writing[0] {
            throw RedisError(url: session.url, message: "SET \(probeKey) NX refused: \(text.prefix(200))")
        }
        for reply in writing.dropFirst() {
            if case .error(let text) = reply { throw refusal(session.url, text) }
        }
        guard writing[0].isOK, case .array(let held) = writing[1], held.first == .integer(0), writing[2].integer == 1 else {
            throw RedisError(url: session.url, message: """
                the lock scripts did not behave on a probe key (\(probeKey)): answers \(writing); \
                gt-apply cannot rely on this server's run locks
                """)
        }
    }

    private static func refusal(_ url: RedisURL, _ text: String) -> RedisError {
        let why = if text.contains("unknown command") {
            "EVAL is unknown to the server (renamed or disabled with rename-command, or a proxy that does not pass scripts)"
        } else if text.contains("NOPERM") || text.contains("can't run this command") {
            "the ACL user may not run EVAL, or a command the lock scripts call (GET, PTTL, PEXPIRE, DEL: +@scripting and those)"
        } else {
            "EVAL of the lock scripts failed"
        }
        return RedisError(url: url, message: """
            \(why): \(text.prefix(200)); gt-apply checks, extends and releases its run locks with Lua scripts: \
            without them a lock could be neither checked before each change nor released
            """)
    }
}
