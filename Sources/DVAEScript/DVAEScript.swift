// The dvae language. See Lexer.swift, Parser.swift, Interpreter.swift.
import DVAE
