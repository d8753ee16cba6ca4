import AdoptCore
import AppInterface
import Glibc
import GTStreams

/// What gt-adopt writes: the datafiles' edits as a patch, as entries, or in place; the new
/// datafiles; and the report on stderr (docs/adoption.md, "Output").
struct AdoptionOutput {
    struct Edit {
        let path: String
        let old: String
        let new: String
    }

    let fleet: FleetAdoption
    let format: GTAdoptCommand.Format
    let write: Bool
    let newProjects: String?
    let diagnostics: Diagnostics

    private var adopting: [FleetAdoption.Declared] { fleet.declared.filter { !$0.adoption.adopted.isEmpty } }

    /// Each datafile with its adopted alerts added, checked by ``DatafileEdit`` (nothing for `--format yaml`).
    func edits() throws -> [Edit] {
        guard format == .patch || write else { return [] }
        return try adopting.map { entry in
            let path = entry.project.origin
            if write { try DatafileWrite.replaceable(path) }
            let old: String
            do { old = String(decoding: try DirectoryListing.contents(of: path), as: UTF8.self) } catch {
                throw AdoptError("\(path): cannot be read: \(error)")
            }
            return Edit(path: path, old: old,
                        new: try DatafileEdit.appendingAlerts(entry.adoption.adopted.map(\.yaml), to: old, file: path))
        }
    }

    /// The new datafiles `--new-projects DIR` gets: `<slug>.yml`, or `<instance>-<organization>-<slug>.yml`
    /// for a slug two new projects share.
    func newDatafiles() throws -> [(path: String, text: String)] {
        guard let directory = newProjects else { return [] }
        let slugs = Dictionary(fleet.undeclared.map { ($0.current.project, 1) }, uniquingKeysWith: +)
        return try fleet.undeclared.map { entry in
            let live = entry.current
            let name = slugs[live.project] == 1 ? live.project
                : "\(live.instance)-\(live.organizationSlug ?? slugify(live.organization))-\(live.project)"
            try DatafileWrite.absent("\(directory)/\(name).yml")
            return ("\(directory)/\(name).yml", ProjectSkeleton.text(for: live, alerts: entry.adoption.adopted))
        }
    }

    func emit(edits: [Edit], newFiles: [(path: String, text: String)]) throws {
        let stdout = FileOutput.standardOutput()
        if write {
            for edit in edits { try DatafileWrite.replace(edit.path, with: edit.new) }
        } else if format == .patch {
            for edit in edits { stdout.write(UnifiedDiff.file(path: Self.patchPath(edit.path), old: edit.old, new: edit.new)) }
        } else {
            for entry in adopting {
                stdout.write("---\n# \(YAMLEmitter.inlineComment(entry.project.origin))\nalerts:\n")
                for alert in entry.adoption.adopted {
                    stdout.write(YAMLEmitter.sequenceItem(alert.yaml, indent: 0).joined(separator: "\n") + "\n")
                }
            }
        }
        for file in newFiles { try DatafileWrite.create(file.path, with: file.text) }
        try stdout.finish()
    }

    /// A datafile's path in the patch: as `--data` gave it, relative to here when it is under here,
    /// so `git apply` (from the repository's top) and `patch -p1` find it.
    static func patchPath(_ path: String) -> String {
        var relative = path
        if relative.hasPrefix("/"), let here = DatafileWrite.currentDirectory(), relative.hasPrefix(here + "/") {
            relative = String(relative.dropFirst(here.count + 1))
        }
        while relative.hasPrefix("./") { relative = String(relative.dropFirst(2)) }
        return relative
    }

    func report() {
        let stderr = FileOutput.standardError()
        var adopted = 0, leftOut = 0
        for entry in fleet.declared {
            let key = entry.adoption.key.description
            let names = entry.adoption.adopted.map { "'\($0.name)'" }.joined(separator: ", ")
            if !entry.adoption.adopted.isEmpty {
                stderr.write("gt-adopt: \(key): adopting \(entry.adoption.adopted.count) into \(entry.project.origin): \(names)\n")
            }
            for left in entry.adoption.leftOut { stderr.write("gt-adopt: \(key): left out \(left)\n") }
            adopted += entry.adoption.adopted.count
            leftOut += entry.adoption.leftOut.count
        }
        for entry in fleet.undeclared {
            let live = entry.current
            let count = live.alerts.count
            if newProjects == nil {
                stderr.write("gt-adopt: \(live.key): has no datafile in App-Interface (\(count) alert\(count == 1 ? "" : "s") in GlitchTip); "
                    + "--new-projects DIR writes one\n")
            } else {
                stderr.write("gt-adopt: \(live.key): new datafile with \(entry.adoption.adopted.count) adopted alert(s)\n")
                for left in entry.adoption.leftOut { stderr.write("gt-adopt: \(live.key): left out \(left)\n") }
                adopted += entry.adoption.adopted.count
                leftOut += entry.adoption.leftOut.count
            }
        }
        let files = adopting.count
        let nothing = fleet.declared.isEmpty && fleet.undeclared.isEmpty
            ? "gt-adopt: nothing to adopt: the current stream holds no project of App-Interface's "
                + "(was it written from the same App-Interface, for the same --instance?)\n"
            : "gt-adopt: nothing to adopt: App-Interface declares every alert GlitchTip holds\n"
        stderr.write(adopted + leftOut == 0 ? nothing
            : "gt-adopt: \(adopted) alert\(adopted == 1 ? "" : "s") adopted into \(files) datafile\(files == 1 ? "" : "s")"
            + (write ? " (written)" : "") + ", \(leftOut) left out\n")
        stderr.flush()
    }
}
