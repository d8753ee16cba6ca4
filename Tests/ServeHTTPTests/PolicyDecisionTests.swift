import ServeHTTP
import XCTest

/// The policy's decisions alone: instance names match exactly (no case folding, no prefix),
/// `"*"` anywhere in the list means every instance, and a subject with no instance may read
/// tasks and post nothing but an empty dry run.
final class PolicyDecisionTests: XCTestCase {
    private let policy = ServePolicy(subjects: [
        "exact": .init(instances: ["prod"], apply: true),
        "reader": .init(instances: [], apply: false),
        "all": .init(instances: nil, apply: false),
    ])

    func testInstanceNamesMatchExactly() {
        XCTAssertNil(policy.refusal(reconciling: ["prod"], dryRun: false, by: "exact"))
        for other in ["Prod", "prod ", "prod-2", "pro", ""] {
            XCTAssertEqual(policy.refusal(reconciling: ["prod", other], dryRun: true, by: "exact"),
                           "Subject 'exact' may not reconcile instance '\(other)'")
        }
        XCTAssertEqual(policy.refusal(reconciling: ["prod"], dryRun: true, by: "Exact"), "Subject 'Exact' is not in gt-serve's policy")
    }

    func testAReaderAndAnAllInstancesDryRunner() {
        XCTAssertNil(policy.refusal(reading: "reader"))
        XCTAssertNil(policy.refusal(reconciling: [], dryRun: true, by: "reader"))
        XCTAssertEqual(policy.refusal(reconciling: [], dryRun: false, by: "reader"), "Subject 'reader' may not apply: dry runs only")
        XCTAssertEqual(policy.refusal(reconciling: ["x"], dryRun: false, by: "reader"), "Subject 'reader' may not reconcile instance 'x'")
        XCTAssertNil(policy.refusal(reconciling: ["x", "y"], dryRun: true, by: "all"))
        XCTAssertEqual(policy.refusal(reconciling: ["x"], dryRun: false, by: "all"), "Subject 'all' may not apply: dry runs only")
        XCTAssertEqual(policy.refusal(reading: ""), "Subject '' is not in gt-serve's policy")
        XCTAssertEqual(ServePolicy(subjects: [:]).refusal(reading: "anyone"), "Subject 'anyone' is not in gt-serve's policy",
                       "an empty policy allows no one")
    }
}
