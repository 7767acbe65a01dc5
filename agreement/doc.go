// Package agreement is the convention de stage as a document: the hours of a stage week and the
// legal limits they must keep (data/limits.toml, each with its source), the versions of the text
// (templates/*.toml, the national model's articles), the content the parties sign and its hash, and
// the PDF. It does no I/O: the store keeps agreements, the workflow moves them.
package agreement
