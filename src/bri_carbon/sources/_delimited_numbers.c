/*
 * bri_carbon.sources._delimited_numbers: lines of decimal numbers to float64, without the GIL.
 *
 * One function, parse_lines(text, width, separator, out, skip=0), used through
 * bri_carbon.sources.plain_numbers for Eora26's, GLORIA's and EXIOBASE's tables. It accepts
 * only the plainest text: lines ending in "\n" (or "\r\n"), each of `skip` label fields
 * (any bytes but the separator, line breaks and double quotes; not parsed, the caller reads
 * them) and then exactly `width` fields, separated by the one byte `separator`, each
 * field a decimal number of the form
 *
 *     [+-] digits [. digits] [(e|E) [+-] digits]      or      [+-] . digits [exponent]
 *
 * and anything else (blank lines, spaces, quotes, NaN, empty fields, missing digits after
 * the point, fields longer than MAX_FIELD bytes, values that overflow) makes it return -1
 * without a Python error, so that the caller parses the text with pandas as before.
 *
 * Every value is the correctly rounded float64 nearest to the decimal number, which is
 * what pandas' C parser gives for these fields (pandas 3 converts them with fast_float,
 * correctly rounded), so the arrays are the same bit for bit; tests/sources/
 * test_plain_numbers.py compares the two on hard cases. Two routes, both exact:
 *
 * - Clinger's fast path: when the significant digits form an integer m <= 2^53 and the
 *   decimal exponent q has |q| <= 22, m and 10^|q| are exact doubles and m * 10^q (or
 *   m / 10^-q) is one correctly rounded IEEE operation;
 * - otherwise strtod_l in the "C" locale, which is correctly rounded in glibc and macOS.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h> /* first: its pyconfig.h sets _GNU_SOURCE, which strtod_l needs */

#include <locale.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#ifdef __APPLE__
#include <xlocale.h>
#endif

/* Longest field (bytes) handed to strtod_l; longer fields make the parse return -1. */
#define MAX_FIELD 63
/* Significant digits kept in the integer; a 20th would overflow uint64. */
#define MAX_DIGITS 19
/* Exponent digits read for the fast path; more go to strtod_l. */
#define MAX_EXPONENT_DIGITS 4

static locale_t c_locale;

static const double exact_powers_of_ten[23] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static inline int is_digit(char c) { return c >= '0' && c <= '9'; }

/*
 * Parse one field starting at `p`, ending before `end` (the byte after the text). On
 * success store the value in *value, return the pointer just after the field; NULL when
 * the field is not of the accepted form or its value is not finite.
 */
static const char *parse_field(const char *p, const char *end, double *value) {
    const char *start = p;
    int negative = 0;
    if (p < end && (*p == '-' || *p == '+')) {
        negative = *p == '-';
        p++;
    }
    uint64_t mantissa = 0;
    int significant = 0, digits = 0, exact = 1;
    long exponent = 0;
    while (p < end && is_digit(*p)) {
        int d = *p - '0';
        digits++;
        if (mantissa == 0 && d == 0) {
            /* leading zero */
        } else if (significant < MAX_DIGITS) {
            mantissa = mantissa * 10 + (uint64_t)d;
            significant++;
        } else {
            exact = 0;
        }
        p++;
    }
    if (p < end && *p == '.') {
        p++;
        if (p >= end || !is_digit(*p))
            return NULL;
        while (p < end && is_digit(*p)) {
            int d = *p - '0';
            digits++;
            if (mantissa == 0 && d == 0) {
                exponent--;
            } else if (significant < MAX_DIGITS) {
                mantissa = mantissa * 10 + (uint64_t)d;
                significant++;
                exponent--;
            } else {
                exact = 0;
            }
            p++;
        }
    }
    if (digits == 0)
        return NULL;
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        int exponent_negative = 0;
        if (p < end && (*p == '-' || *p == '+')) {
            exponent_negative = *p == '-';
            p++;
        }
        if (p >= end || !is_digit(*p))
            return NULL;
        long written = 0;
        int exponent_digits = 0;
        while (p < end && is_digit(*p)) {
            if (exponent_digits < MAX_EXPONENT_DIGITS)
                written = written * 10 + (*p - '0');
            else
                exact = 0;
            exponent_digits++;
            p++;
        }
        exponent += exponent_negative ? -written : written;
    }
    double number;
    if (mantissa == 0 && exact) {
        number = 0.0;
    } else if (exact && mantissa <= (UINT64_C(1) << 53) && exponent >= -22 && exponent <= 22) {
        number = (double)mantissa;
        if (exponent < 0)
            number /= exact_powers_of_ten[-exponent];
        else
            number *= exact_powers_of_ten[exponent];
    } else {
        char copy[MAX_FIELD + 1];
        size_t length = (size_t)(p - start);
        if (length > MAX_FIELD)
            return NULL;
        memcpy(copy, start, length);
        copy[length] = '\0';
        char *stop;
        number = strtod_l(copy, &stop, c_locale);
        if (stop != copy + length)
            return NULL;
        negative = 0; /* strtod_l read the sign */
    }
    if (!isfinite(number))
        return NULL;
    *value = negative ? -number : number;
    return p;
}

/*
 * Parse `text` into `out` (row-major, `capacity` doubles). Returns the number of lines, or
 * -1 when the text is not lines of `skip` label fields and `width` accepted fields or does
 * not fit.
 */
static Py_ssize_t parse_text(const char *text, Py_ssize_t size, Py_ssize_t skip,
                             Py_ssize_t width, char separator, double *out,
                             Py_ssize_t capacity) {
    const char *p = text, *end = text + size;
    Py_ssize_t lines = 0, filled = 0;
    if (size == 0)
        return -1;
    while (p < end) {
        if (filled + width > capacity)
            return -1;
        for (Py_ssize_t label = 0; label < skip; label++) {
            while (p < end && *p != separator) {
                if (*p == '\n' || *p == '\r' || *p == '"')
                    return -1;
                p++;
            }
            if (p >= end)
                return -1;
            p++;
        }
        for (Py_ssize_t column = 0; column < width; column++) {
            p = parse_field(p, end, &out[filled + column]);
            if (p == NULL || p >= end)
                return -1;
            char expected = column + 1 < width ? separator : '\n';
            if (expected == '\n' && *p == '\r') {
                p++;
                if (p >= end)
                    return -1;
            }
            if (*p != expected)
                return -1;
            p++;
        }
        filled += width;
        lines++;
    }
    return lines;
}

static PyObject *parse_lines(PyObject *Py_UNUSED(module), PyObject *args) {
    Py_buffer text, out;
    Py_ssize_t width, skip = 0;
    int separator;
    if (!PyArg_ParseTuple(args, "y*nCw*|n", &text, &width, &separator, &out, &skip))
        return NULL;
    Py_ssize_t lines = -1;
    if (width <= 0 || skip < 0 || separator == '\n' || separator == '\r' ||
        separator == '"' || separator > 127 || out.len % (Py_ssize_t)sizeof(double) != 0) {
        PyBuffer_Release(&text);
        PyBuffer_Release(&out);
        PyErr_SetString(PyExc_ValueError,
                        "parse_lines: width must be positive, skip at least 0, the "
                        "separator one ASCII byte other than a line break or a quote, out a "
                        "float64 buffer");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    lines = parse_text((const char *)text.buf, text.len, skip, width, (char)separator,
                       (double *)out.buf, out.len / (Py_ssize_t)sizeof(double));
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&text);
    PyBuffer_Release(&out);
    return PyLong_FromSsize_t(lines);
}

static PyMethodDef methods[] = {
    {"parse_lines", parse_lines, METH_VARARGS,
     "parse_lines(text, width, separator, out, skip=0) -> int\n\n"
     "Parse lines of `skip` label fields (skipped) and `width` decimal numbers separated\n"
     "by the one-character string `separator` into the writable float64 buffer `out`\n"
     "(row-major). Returns the number of lines, or -1 when the text is not in the plain\n"
     "form this parser accepts (then `out` holds partial values and the caller parses the\n"
     "text otherwise)."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_delimited_numbers",
    .m_doc = "Lines of decimal numbers to float64, correctly rounded, without the GIL.",
    .m_size = -1,
    .m_methods = methods,
};

PyMODINIT_FUNC PyInit__delimited_numbers(void) {
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (c_locale == (locale_t)0) {
        PyErr_SetString(PyExc_OSError, "_delimited_numbers: the C locale is not available");
        return NULL;
    }
    return PyModule_Create(&module);
}
