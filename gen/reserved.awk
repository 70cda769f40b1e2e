# reserved.awk - the names that the headers generated code includes
# declare, from the preprocessor's view of them (cc -E -dD), as a C table
# for gen/reserved.c.
#
# Generated code includes <stdbool.h>, <stddef.h>, <stdint.h>, <string.h>
# and assoc.h (which includes sqlite3.h).  A generated name that one of them
# already declares breaks the build of the user's program, or worse, means
# something else there: a model Sqlite3 gives sqlite3_free, a column SIZE_MAX
# is a macro, unix is one on Linux.  The list is made from the headers of the
# machine that builds assocgen, so it holds what they hold, not what we
# remembered to write down.
#
# Output lines:  { "name", "header", kind },  one a name (sort them after),
# kind 'm' for a macro (it takes every use of the word: a struct field too)
# and 'g' for a file-scope name (function, type, tag, variable, enumerator).
#
# The declarations are read with a tokenizer, not a C parser: at file scope
# a word followed by '(' (a function), by ';' ',' '[' '=' (a declarator), a
# word after struct/union/enum (a tag), a word after "(*" (a pointer to
# function type), and in an enum's braces each enumerator.  Parameter and
# member names are not file-scope names and are left out.  What it may add
# beyond those (__attribute__, __asm__) is reserved to the implementation
# anyway.

function header_of(path,    n, parts) {
    if (path == "<built-in>" || path == "<command-line>")
        return "the compiler"
    n = split(path, parts, "/")
    return parts[n]
}

# The header a user would name: the innermost one outside the C library's
# private directories (bits/, sys/, gnu/, features.h).
function visible(    i) {
    for (i = depth; i >= 1; i--)
        if (stack[i] !~ /\/(bits|sys|gnu)\/[^\/]*$/ && stack[i] !~ /\/(features|features-time64|stdc-predef)\.h$/)
            return header_of(stack[i])
    return header_of(stack[depth])
}

# One entry a name: the first header that declares it, a macro over
# anything else (printed at the end).
function emit(name, kind) {
    if (name !~ /^[A-Za-z_][A-Za-z0-9_]*$/ || name in keyword)
        return
    if (name in kinds && (kinds[name] == "m" || kind == "g"))
        return
    kinds[name] = kind
    headers[name] = visible()
}

END {
    for (name in kinds)
        printf "{ \"%s\", \"%s\", '%s' },\n", name, headers[name], kinds[name]
}

BEGIN {
    split("auto break case char const continue default do double else enum extern float for goto if " \
          "inline int long register restrict return short signed sizeof static struct switch typedef " \
          "union unsigned void volatile while _Bool _Complex _Noreturn _Static_assert _Alignas " \
          "_Alignof _Atomic _Thread_local __attribute__ __asm__ __inline __restrict __extension__ " \
          "__const __signed__ __volatile__ __typeof__ __inline__ __asm", kw, " ")
    for (i in kw)
        keyword[kw[i]] = 1
    depth = 0
    brace = 0
    paren = 0
    ntok = 0
}

# Line markers: # LINE "FILE" FLAGS (1: entering FILE, 2: back in FILE).
/^# [0-9]+ "/ {
    file = $3
    gsub(/"/, "", file)
    if ($4 == 1 || depth == 0)
        stack[++depth] = file
    else if ($4 == 2) {
        depth--
        if (depth < 1)
            depth = 1
        stack[depth] = file
    } else
        stack[depth] = file
    next
}

/^#define / {
    name = $2
    sub(/\(.*/, "", name)
    # The file being compiled defines nothing; its includes do.
    if (stack[depth] !~ /reserved-probe\.c$/)
        emit(name, "m")
    next
}

/^#/ { next }

{
    # Strings and character constants hold no names.
    line = $0
    gsub(/"([^"\\]|\\.)*"/, " ", line)
    gsub(/'([^'\\]|\\.)*'/, " ", line)
    while (length(line) > 0) {
        if (match(line, /^[ \t]+/)) {
            line = substr(line, RLENGTH + 1)
            continue
        }
        if (match(line, /^[A-Za-z_][A-Za-z0-9_]*/)) {
            word(substr(line, 1, RLENGTH))
            line = substr(line, RLENGTH + 1)
            continue
        }
        if (match(line, /^[0-9][A-Za-z0-9_.]*/)) {
            punct("0")
            line = substr(line, RLENGTH + 1)
            continue
        }
        punct(substr(line, 1, 1))
        line = substr(line, 2)
    }
}

# A word is held until the token after it says what it is.
function word(w) {
    flush("")
    if (after_tag && brace == 0) {
        emit(w, "g")
        after_tag = 0
    }
    if (w == "struct" || w == "union" || w == "enum") {
        after_tag = 1
        if (w == "enum")
            enum_next = 1
    } else if (!after_tag) {
        pending = w
        pprev1 = prev1
        pprev2 = prev2
    }
    prev2 = prev1
    prev1 = w
}

function punct(p) {
    flush(p)
    if (p == "{") {
        brace++
        in_enum[brace] = enum_next
        enum_next = 0
        after_tag = 0
    } else if (p == "}") {
        in_enum[brace] = 0
        if (brace > 0)
            brace--
    } else if (p == "(") {
        paren++
    } else if (p == ")") {
        if (paren > 0)
            paren--
    } else if (p == ";") {
        enum_next = 0
        after_tag = 0
    }
    prev2 = prev1
    prev1 = p
}

# The held word, given the token that follows it.
function flush(next_tok) {
    if (pending == "")
        return
    w = pending
    pending = ""
    if (brace == 0) {
        if (next_tok == "(" && paren == 0)
            emit(w, "g")                    # a function
        else if (paren == 0 && (next_tok == ";" || next_tok == "," || next_tok == "[" || next_tok == "="))
            emit(w, "g")                    # a declarator: typedef name, variable
        else if (pprev1 == "*" && pprev2 == "(" && next_tok == ")")
            emit(w, "g")                    # typedef int (*name)(...)
    } else if (in_enum[brace] && paren == 0 && (next_tok == "=" || next_tok == "," || next_tok == "}")) {
        if (pprev1 == "{" || pprev1 == ",")
            emit(w, "g")                    # an enumerator
    }
}
