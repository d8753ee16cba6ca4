import XCTest
@testable import AppInterface

/// The one table of App-Interface names agrees with itself and with the GraphQL queries.
final class AppInterfaceSchemaTests: XCTestCase {
    func testEveryGraphQLFieldOfTheTableIsAskedForByTheQueries() {
        let queries = QontractQueries.instances + QontractQueries.projects
        let words = Set(queries.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "_" }).map(String.init))
        let tables = [GraphQLFields.instance, GraphQLFields.project, GraphQLFields.organization,
                      GraphQLFields.organizationInstance, GraphQLFields.alert, GraphQLFields.recipient, GraphQLFields.jira,
                      GraphQLFields.escalationPolicy, GraphQLFields.channels, GraphQLFields.jiraBoard,
                      GraphQLFields.jiraBoardDisable]
        for field in tables.reduce(Set<String>(), { $0.union($1) }) {
            XCTAssertTrue(words.contains(field), "\(field) is in the table but no query asks for it")
        }
    }

    func testEverySchemaRequiresOnlyFieldsItAllowsAndNamesItsDatafilePath() {
        for schema in AppInterfaceSchema.allCases {
            XCTAssertTrue(Set(schema.requiredKeys).isSubset(of: schema.allowedKeys), "\(schema)")
            XCTAssertTrue(schema.allowedKeys.isSuperset(of: AppInterfaceSchema.bookkeeping), "\(schema)")
            XCTAssertTrue(schema.rawValue.hasPrefix("/") && schema.rawValue.hasSuffix("-1.yml"), schema.rawValue)
        }
        // The fields the GraphQL shape reads are fields the datafiles may hold.
        XCTAssertTrue(GraphQLFields.instance.isSubset(of: AppInterfaceSchema.instance.allowedKeys))
        XCTAssertTrue(GraphQLFields.alert.isSubset(of: AppInterfaceSchema.alert.allowedKeys))
        XCTAssertTrue(GraphQLFields.project.isSubset(of: AppInterfaceSchema.project.allowedKeys))
    }
}
