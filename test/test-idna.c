/* Tests of the internal host-name-to-ASCII converter (src/idna.c) that
 * uv_getaddrinfo applies before every lookup.  The expected Punycode
 * strings are the sample outputs of RFC 3492 section 7.1. */
#include "task.h"
#include "../src/idna.h"

#include <string.h>

/* Converts `in`, expects `out`; then converts `out` again, which must not
 * change it (ASCII passes through untouched). */
static void check(const char* in, const char* out) {
  char a[300];
  char b[300];
  int n;

  n = uv__idna_to_ascii(in, strlen(in), a, sizeof(a));
  if (n < 0)
    fprintf(stderr, "converting \"%s\": %s\n", in, uv_err_name(n));
  ASSERT_EQ(n, (int64_t) strlen(out));
  ASSERT_STR_EQ(a, out);

  n = uv__idna_to_ascii(a, strlen(a), b, sizeof(b));
  ASSERT_EQ(n, (int64_t) strlen(out));
  ASSERT_STR_EQ(b, out);
}

static int convert(const char* in, size_t len) {
  char d[300];

  return uv__idna_to_ascii(in, len, d, sizeof(d));
}

TEST(idna_ascii_passthrough) {
  check("", "");
  check(".", ".");
  check("..", "..");
  check(".com", ".com");
  check("localhost", "localhost");
  check("localhost.", "localhost.");
  check("example-", "example-");
  /* No case folding: ASCII keeps its case, as in libuv. */
  check("WWW.Example.COM", "WWW.Example.COM");
  check("-> $1.00 <-", "-> $1.00 <-");
  check("127.0.0.1", "127.0.0.1");
  check("xn--bcher-kva.example", "xn--bcher-kva.example");
  return 0;
}

TEST(idna_examples) {
  check("b\xC3\xBC" "cher.example", "xn--bcher-kva.example");
  check("bücher.com", "xn--bcher-kva.com");
  check("straße.de", "xn--strae-oqa.de");
  check("faß.de", "xn--fa-hia.de");
  check("mañana.com", "xn--maana-pta.com");
  check("café.café.com", "xn--caf-dma.xn--caf-dma.com");
  check("βόλος.com", "xn--nxasmm1c.com");
  check("☃-⌘.com", "xn----dqo34k.com");
  check("\xF0\x9F\x92\xA9.la", "xn--ls8h.la");  /* U+1F4A9, 4-byte UTF-8 */
  check("ü", "xn--tda");
  check(".ü", ".xn--tda");
  check("ü.ü.", "xn--tda.xn--tda.");
  /* Mixed case basic code points are kept as they are. */
  check("Bücher", "xn--Bcher-kva");
  return 0;
}

TEST(idna_rfc3492_samples) {
  /* (A) Arabic (Egyptian) */
  check("\xD9\x84\xD9\x8A\xD9\x87\xD9\x85\xD8\xA7\xD8\xA8\xD8\xAA\xD9\x83"
        "\xD9\x84\xD9\x85\xD9\x88\xD8\xB4\xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A"
        "\xD8\x9F",
        "xn--egbpdaj6bu4bxfgehfvwxn");
  /* (B) Chinese (simplified) and (C) Chinese (traditional) */
  check("他们为什么不说中文", "xn--ihqwcrb4cv8a8dqg056pqjye");
  check("他們爲什麽不說中文", "xn--ihqwctvzc91f659drss3x8bo0yb");
  /* (D) Czech */
  check("Pročprostěnemluvíčesky", "xn--Proprostnemluvesky-uyb24dma41a");
  /* (E) Hebrew */
  check("למההםפשוטלאמדבריםעברית", "xn--4dbcagdahymbxekheh6e0a7fei0b");
  /* (F) Hindi */
  check("यहलोगहिन्दीक्योंनहींबोलसकतेहैं",
        "xn--i1baa7eci9glrd9b2ae1bj0hfcgg6iyaf8o0a1dig0cd");
  /* (G) Japanese */
  check("なぜみんな日本語を話してくれないのか",
        "xn--n8jok5ay5dzabd5bym9f0cm5685rrjetr6pdxa");
  /* (I) Russian, all lower case */
  check("почемужеонинеговорятпорусски", "xn--b1abfaaepdrnnbgefbadotcwatmq2g4l");
  /* (J) Spanish, (K) Vietnamese */
  check("PorquénopuedensimplementehablarenEspañol",
        "xn--PorqunopuedensimplementehablarenEspaol-fmd56a");
  check("TạisaohọkhôngthểchỉnóitiếngViệt",
        "xn--TisaohkhngthchnitingVit-kjcr8268qyxafd2f1b9g");
  /* (L) .. (R) Japanese artists and songs */
  check("3年B組金八先生", "xn--3B-ww4c5e180e575a65lsy2b");
  check("安室奈美恵-with-SUPER-MONKEYS",
        "xn---with-SUPER-MONKEYS-pc58ag80a8qai00g7n9n");
  check("Hello-Another-Way-それぞれの場所",
        "xn--Hello-Another-Way--fc4qua05auwb3674vfr0b");
  check("ひとつ屋根の下2", "xn--2-u9tlzr9756bt3uc0v");
  check("MajiでKoiする5秒前", "xn--MajiKoi5-783gue6qz075azm5e");
  check("パフィーdeルンバ", "xn--de-jg4avhby1noc0d");
  check("そのスピードで", "xn--d9juau41awczczp");
  return 0;
}

TEST(idna_label_separators) {
  /* U+3002, U+FF0E and U+FF61 separate labels like '.'. */
  check("mañana\xE3\x80\x82" "com", "xn--maana-pta.com");
  check("mañana\xEF\xBC\x8E" "com", "xn--maana-pta.com");
  check("mañana\xEF\xBD\xA1" "com", "xn--maana-pta.com");
  check("a\xE3\x80\x82" "b", "a.b");
  check("\xE3\x80\x82", ".");
  return 0;
}

TEST(idna_invalid_utf8) {
  static const char* const bad[] = {
    "\xC0\x80",                  /* overlong NUL */
    "\xC1\xBF",                  /* overlong 0x7F */
    "\xE0\x80\xAF",              /* overlong '/' */
    "\xF0\x80\x80\xAF",          /* overlong, four bytes */
    "\xED\xA0\x80",              /* U+D800, a surrogate */
    "\xED\xBF\xBF",              /* U+DFFF */
    "\xF4\x90\x80\x80",          /* U+110000 */
    "\xF5\x80\x80\x80",          /* no such lead byte */
    "\xFF",
    "\x80",                      /* stray continuation byte */
    "abc\xBF" "def",
    "\xC3",                      /* truncated at the end */
    "\xE2\x98",
    "\xF0\x9F\x92",
    "\xC3" "a",                  /* continuation missing mid-string */
    "\xC0\x80\xC1\x80.com",
    "ok.\xC3\x28.com"
  };
  size_t i;

  for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    if (convert(bad[i], strlen(bad[i])) != UV_EINVAL) {
      fprintf(stderr, "accepted bad[%u]\n", (unsigned) i);
      ASSERT(0);
    }
  }
  /* An embedded NUL would silently truncate the name later. */
  ASSERT_EQ(convert("a\0b", 3), UV_EINVAL);
  /* The largest code points that are valid. */
  check("\xF4\x8F\xBF\xBF", "xn--dn32g");
  check("\xEF\xBF\xBF", "xn--1n7c");
  return 0;
}

TEST(idna_length_limits) {
  char in[600];
  char out[300];
  size_t i;

  /* A 63-byte label is the largest DNS allows. */
  memset(in, 'a', 63);
  in[63] = '\0';
  ASSERT_EQ(uv__idna_to_ascii(in, 63, out, sizeof(out)), 63);
  memset(in, 'a', 64);
  ASSERT_EQ(uv__idna_to_ascii(in, 64, out, sizeof(out)), UV_EINVAL);

  /* The limit applies after encoding: RFC 3492 sample (H), Korean, is 73
   * bytes once encoded. */
  ASSERT_EQ(convert("세계의모든사람들이한국어를이해한다면얼마나좋을까",
                    strlen("세계의모든사람들이한국어를이해한다면얼마나좋을까")),
            UV_EINVAL);
  /* 59 'a' + "ü" encodes to "xn--" + 59 + "-" + "kva"-like tail > 63. */
  memset(in, 'a', 59);
  memcpy(in + 59, "\xC3\xBC", 2);
  ASSERT_EQ(convert(in, 61), UV_EINVAL);

  /* 255 bytes of name: four 63-byte labels and three dots is 255. */
  for (i = 0; i < 255; i++)
    in[i] = (i % 64 == 63) ? '.' : 'b';
  in[255] = '\0';
  ASSERT_EQ(uv__idna_to_ascii(in, 255, out, sizeof(out)), 255);
  ASSERT_STR_EQ(out, in);
  in[255] = 'b';
  ASSERT_EQ(uv__idna_to_ascii(in, 256, out, sizeof(out)), UV_EINVAL);
  /* Same with a trailing dot as byte 256. */
  in[255] = '.';
  ASSERT_EQ(uv__idna_to_ascii(in, 256, out, sizeof(out)), UV_EINVAL);

  /* Many short labels, way past 255. */
  for (i = 0; i < 598; i += 2) {
    in[i] = 'x';
    in[i + 1] = '.';
  }
  ASSERT_EQ(convert(in, 598), UV_EINVAL);
  return 0;
}

TEST(idna_small_destination) {
  char out[32];

  /* "xn--tda" needs 8 bytes with its NUL. */
  ASSERT_EQ(uv__idna_to_ascii("ü", strlen("ü"), out, 7), UV_ENOSPC);
  ASSERT_EQ(uv__idna_to_ascii("ü", strlen("ü"), out, 8), 7);
  ASSERT_STR_EQ(out, "xn--tda");
  ASSERT_EQ(uv__idna_to_ascii("abc", 3, out, 0), UV_ENOSPC);
  ASSERT_EQ(uv__idna_to_ascii("abc", 3, NULL, 0), UV_ENOSPC);
  ASSERT_EQ(uv__idna_to_ascii("", 0, out, 1), 0);
  ASSERT_STR_EQ(out, "");
  ASSERT_EQ(uv__idna_to_ascii(NULL, 0, out, sizeof(out)), 0);
  ASSERT_EQ(uv__idna_to_ascii(NULL, 1, out, sizeof(out)), UV_EINVAL);
  return 0;
}

TEST(idna_utf8_next) {
  const char* p;
  const char* s;

  s = "a\xC3\xBC\xE2\x98\x83\xF0\x9F\x92\xA9";
  p = s;
  ASSERT_EQ(uv__utf8_next(&p, s + 10), 'a');
  ASSERT_PTR_EQ(p, s + 1);
  ASSERT_EQ(uv__utf8_next(&p, s + 10), 0xFC);
  ASSERT_PTR_EQ(p, s + 3);
  ASSERT_EQ(uv__utf8_next(&p, s + 10), 0x2603);
  ASSERT_PTR_EQ(p, s + 6);
  ASSERT_EQ(uv__utf8_next(&p, s + 10), 0x1F4A9);
  ASSERT_PTR_EQ(p, s + 10);
  ASSERT_EQ(uv__utf8_next(&p, s + 10), -1);  /* at the end */
  ASSERT_PTR_EQ(p, s + 10);

  /* Never reads past end, even in the middle of a sequence. */
  p = s + 1;
  ASSERT_EQ(uv__utf8_next(&p, s + 2), -1);
  ASSERT_PTR_EQ(p, s + 2);

  /* A missing continuation byte is left for the next call. */
  s = "\xC3" "A";
  p = s;
  ASSERT_EQ(uv__utf8_next(&p, s + 2), -1);
  ASSERT_PTR_EQ(p, s + 1);
  ASSERT_EQ(uv__utf8_next(&p, s + 2), 'A');
  return 0;
}
