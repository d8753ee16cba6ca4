/// Django's `slugify` as the reference uses it (no ASCII folding): lower-case; drop every
/// character that is not a word character, white space or `-`; collapse runs of `-` and white
/// space to one `-`; strip leading and trailing `-` and `_`.
public func slugify(_ value: String) -> String {
    var kept = ""
    for scalar in value.lowercased().unicodeScalars {
        let props = scalar.properties
        if props.isAlphabetic || props.numericType != nil || scalar == "_" || scalar == "-" || props.isWhitespace {
            kept.unicodeScalars.append(scalar)
        }
    }
    var collapsed = ""
    var inRun = false
    for scalar in kept.unicodeScalars {
        if scalar == "-" || scalar.properties.isWhitespace {
            if !inRun { collapsed.unicodeScalars.append("-") }
            inRun = true
        } else {
            collapsed.unicodeScalars.append(scalar)
            inRun = false
        }
    }
    var scalars = Substring(collapsed).unicodeScalars[...]
    while let first = scalars.first, first == "-" || first == "_" { scalars.removeFirst() }
    while let last = scalars.last, last == "-" || last == "_" { scalars.removeLast() }
    return String(String.UnicodeScalarView(scalars))
}
