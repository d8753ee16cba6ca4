import Foundation
import GTStreams
import GTTestSupport
import ServeHTTP
import XCTest

/// The policy file is read exactly or not at all: each fault is refused with the file and the
/// field's path, so gt-serve does not start on a policy it would have to guess at.
final class PolicyFileTests: XCTestCase {
    private func refusal(_ text: String) -> String? {
        do { _ = try ServePolicy.parse(Array(text.utf8), file: "/x/p.json") } catch { return error.message }
        return nil
    }

    func testTheDocumentedPolicyReads() throws {
        let text = #"{"subjects": {"ci-dry": {"instances": ["glitchtip-prod"], "apply": false}, "ops": {"instances": ["*"], "apply": true},"#
            + #" "reader": {"instances": []}, "two": {"instances": ["a", "b"]}}}"#
        let policy = try ServePolicy.parse(Array(text.utf8), file: "/x/p.json")
        XCTAssertEqual(policy, ServePolicy(subjects: [
            "ci-dry": .init(instances: ["glitchtip-prod"], apply: false), "ops": .init(instances: nil, apply: true),
            "reader": .init(instances: [], apply: false), "two": .init(instances: ["a", "b"], apply: false),
        ]))
    }

    func testEachFaultNamesTheFileAndTheField() {
        let cases: [(String, String)] = [
            (#"{"subjects": {"ops": {"instances": ["*"], "apply": "yes"}}}"#, "policy /x/p.json: subjects.ops.apply: expected true or false"),
            (#"{"subjects": {"ops": {"instances": ["*"], "apply": null}}}"#, "policy /x/p.json: subjects.ops.apply: expected true or false"),
            (#"{"subjects": {"ops": {"instances": ["*"], "apply": 1}}}"#, "policy /x/p.json: subjects.ops.apply: expected true or false"),
            (#"{"subjects": {"ops": {"apply": true}}}"#, "policy /x/p.json: subjects.ops.instances: required"),
            (#"{"subjects": {"ops": {"instances": "*"}}}"#,
             #"policy /x/p.json: subjects.ops.instances: expected a list of instance names or "*", got string"#),
            (#"{"subjects": {"ops": {"instances": ["a", ""]}}}"#, "policy /x/p.json: subjects.ops.instances.1: an instance name is empty"),
            (#"{"subjects": {"ops": {"instances": ["a", 7]}}}"#, "policy /x/p.json: subjects.ops.instances.1: expected a string, got integer"),
            (#"{"subjects": {"ops": {"instances": [], "aply": true}}}"#,
             "policy /x/p.json: subjects.ops.aply: unknown field (known: instances, apply)"),
            (#"{"subjects": {"ops": []}}"#, "policy /x/p.json: subjects.ops: expected an object, got array"),
            (#"{"subjects": {"": {"instances": []}}}"#, "policy /x/p.json: subjects: a subject's name is empty"),
            (#"{"subjects": []}"#, "policy /x/p.json: subjects: expected an object, got array"),
            (#"{"subject": {}}"#, "policy /x/p.json: subject: unknown field (known: subjects)"),
            (#"{}"#, "policy /x/p.json: subjects: required"),
            (#"[]"#, #"policy /x/p.json: expected an object with "subjects", got array"#),
            (#"{"subjects": {"ops": {"instances": []}, "ops": {"instances": ["*"]}}}"#, nil as String? ?? "duplicate"),
            ("", "policy /x/p.json: not JSON: empty input (line 1, column 0)"),
            (#"{"subjects": {"#, "policy /x/p.json: not JSON:"),
        ]
        for (text, expected) in cases {
            let message = refusal(text)
            XCTAssertNotNil(message, "accepted: \(text)")
            guard let message else { continue }
            if expected == "duplicate" || expected.hasSuffix("not JSON:") {
                XCTAssertTrue(message.hasPrefix(expected == "duplicate" ? "policy /x/p.json: not JSON: " : expected), "\(text): \(message)")
            } else {
                XCTAssertEqual(message, expected, text)
            }
        }
    }

    /// A missing file, a directory or a file too large to be a policy are refused unread.
    func testAFileThatCannotBeReadIsRefused() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("policy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let large = directory.appendingPathComponent("large.json")
        try Data(repeating: 0x20, count: 1024 * 1024 + 1).write(to: large)
        for (path, reason) in [(directory.appendingPathComponent("missing.json").path, "No such file or directory"),
                               (directory.path, "not a regular file"), (large.path, "larger than 1048576 bytes"),
                               ("/dev/zero", "not a regular file")] {
            XCTAssertThrowsError(try ServePolicy.read(file: path), path) { error in
                XCTAssertEqual((error as? InputError)?.message, "policy \(path): cannot read it: \(reason)")
            }
        }
        let good = directory.appendingPathComponent("good.json")
        try #"{"subjects": {"ops": {"instances": ["*"], "apply": true}}}"#.write(to: good, atomically: true, encoding: .utf8)
        XCTAssertEqual(try ServePolicy.read(file: good.path).subjects["ops"], .init(instances: nil, apply: true))
    }
}
