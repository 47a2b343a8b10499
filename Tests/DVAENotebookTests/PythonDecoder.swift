import Foundation
import XCTest

/// Runs small python3 programs as an independent check of what the Swift code writes.
enum PythonDecoder {
    /// A PNG decoder using only python's `zlib` and `struct`: checks the signature and every
    /// chunk's CRC, inflates IDAT, undoes all five filter types, and prints JSON
    /// `{"width":…, "height":…, "bitDepth":…, "colorType":…, "pixels":[…]}`.
    static let pngDecoder = #"""
import sys, zlib, struct, json
data = open(sys.argv[1], 'rb').read()
assert data[:8] == b'\x89PNG\r\n\x1a\n', 'bad signature'
pos, idat, ihdr, seen_end = 8, b'', None, False
while pos < len(data):
    length, = struct.unpack('>I', data[pos:pos+4])
    ctype = data[pos+4:pos+8]
    body = data[pos+8:pos+8+length]
    crc, = struct.unpack('>I', data[pos+8+length:pos+12+length])
    assert zlib.crc32(ctype + body) & 0xffffffff == crc, 'bad CRC in ' + ctype.decode()
    if ctype == b'IHDR': ihdr = struct.unpack('>IIBBBBB', body)
    elif ctype == b'IDAT': idat += body
    elif ctype == b'IEND': seen_end = True
    pos += 12 + length
assert seen_end and ihdr is not None, 'missing IHDR or IEND'
w, h, depth, ctype, comp, filt, inter = ihdr
assert depth == 8 and ctype == 0 and inter == 0, 'unsupported format'
raw = zlib.decompress(idat)
assert len(raw) == h * (w + 1), 'wrong data size'
out, prev = [], [0] * w
for y in range(h):
    f = raw[y*(w+1)]
    line = list(raw[y*(w+1)+1:(y+1)*(w+1)])
    for x in range(w):
        a = line[x-1] if x > 0 else 0
        b = prev[x]
        c = prev[x-1] if x > 0 else 0
        if f == 1: line[x] = (line[x] + a) & 255
        elif f == 2: line[x] = (line[x] + b) & 255
        elif f == 3: line[x] = (line[x] + (a + b) // 2) & 255
        elif f == 4:
            p = a + b - c; pa, pb, pc = abs(p-a), abs(p-b), abs(p-c)
            pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            line[x] = (line[x] + pr) & 255
        else: assert f == 0, 'bad filter'
    out += line
    prev = line
print(json.dumps({'width': w, 'height': h, 'bitDepth': depth, 'colorType': ctype, 'pixels': out}))
"""#

    /// An SVG check using python's `xml.etree`: prints JSON with the polylines' colours and all texts.
    static let svgSummary = #"""
import sys, json, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = '{http://www.w3.org/2000/svg}'
lines = [e.get('stroke') for e in root.iter(ns + 'polyline')]
texts = [e.text for e in root.iter(ns + 'text')]
print(json.dumps({'polylines': lines, 'texts': texts, 'width': root.get('width')}))
"""#

    /// Counts error bars, lists the dash pattern of each polyline and the shape of each marker.
    static let svgStyleSummary = #"""
import sys, json, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = '{http://www.w3.org/2000/svg}'
errorbars = sum(1 for e in root.iter() if e.get('class') == 'errorbar')
dashes = [e.get('stroke-dasharray') or 'solid' for e in root.iter(ns + 'polyline')]
def shape(e):
    tag = e.tag.replace(ns, '')
    if tag == 'polygon': return 'polygon%d' % len(e.get('points').split())
    if tag == 'path': return 'path' + ('x' if 'L' in e.get('d') else '+')
    return tag
markers = [shape(e) for e in root.iter() if e.get('class') == 'marker']
texts = [e.text for e in root.iter(ns + 'text')]
print(json.dumps({'errorbars': errorbars, 'dashes': dashes, 'markers': markers, 'texts': texts}))
"""#

    /// The path of python3, or nil.
    static func python() -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let candidate = "\(dir)/python3"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Runs `program` with `argument`, returning its parsed JSON output; skips the test without python3.
    static func run(_ program: String, argument: String) throws -> [String: Any] {
        guard let python = python() else { throw XCTSkip("python3 is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["-c", program, argument]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errors = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            XCTFail("python3 failed: \(String(decoding: errors, as: UTF8.self))")
            return [:]
        }
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }
}

/// A fresh temporary directory for one test.
func temporaryDirectory() throws -> String {
    let path = NSTemporaryDirectory() + "dvae-nb-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// A test image: a diagonal gradient with a bright marker at (row 1, column 2).
func testImage(height: Int, width: Int, seed: Int) -> [Float] {
    var image = [Float](repeating: 0, count: height * width)
    for r in 0..<height {
        for c in 0..<width {
            image[r * width + c] = Float((r + c + seed) % 17) / 16
        }
    }
    image[1 * width + 2] = 1
    return image
}
