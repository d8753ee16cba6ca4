import AppInterface
import Foundation
import GTTestSupport
import XCTest

/// qontract-server's bundle is built with PyYAML: what the emitter writes must read back the
/// same there too, with its pure-Python and its libyaml loaders (PyYAML's resolvers differ
/// from gt's where the emitter quotes: timestamps, sexagesimals, `=`).
final class DatafileEditPyYAMLTests: XCTestCase {
    func testPyYAMLReadsTheOddStringsBackEqual() throws {
        let strings = YAMLEmitterTests.oddStrings + ["2026-12-07 10:00:00", "1:2", "+12:30:00.5", "0o17", "1__0", "._"]
        var yaml = "items:\n"
        for s in strings {
            yaml += YAMLEmitter.sequenceItem(.map([.init(key: s, value: .string(s)), .init(key: "l", value: .list([.string(s)]))]),
                                             indent: 0).joined(separator: "\n") + "\n"
        }
        let root = scratchDirectory()
        try Data(yaml.utf8).write(to: root.appendingPathComponent("items.yml"))
        // The expected strings as hex of their UTF-8, one a line: no quoting to trust.
        let hex = strings.map { $0.utf8.map { String(format: "%02x", $0) }.joined() }.joined(separator: "\n") + "\n"
        try Data(hex.utf8).write(to: root.appendingPathComponent("expected.hex"))
        let script = """
            import sys, yaml
            expected = [bytes.fromhex(l).decode('utf-8') for l in open(sys.argv[2]).read().split('\\n')[:-1]]
            text = open(sys.argv[1], encoding='utf-8').read()
            bad = 0
            for name in ('SafeLoader', 'CSafeLoader'):
                items = yaml.load(text, Loader=getattr(yaml, name))['items']
                assert len(items) == len(expected), (name, len(items))
                for s, item in zip(expected, items):
                    if item != {s: s, 'l': [s]}:
                        bad += 1
                        print(name, repr(s), repr(item))
            print('checked', len(expected))
            sys.exit(1 if bad else 0)
            """
        let result = try Tools.run("/usr/bin/env", ["python3", "-c", script, root.appendingPathComponent("items.yml").path,
                                                     root.appendingPathComponent("expected.hex").path])
        XCTAssertEqual(result.status, 0, result.stdout + result.stderr)
        XCTAssertTrue(result.stdout.contains("checked \(strings.count)"), result.stdout + result.stderr)
    }
}
