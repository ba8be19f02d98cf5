import CacheWarmCore
import Testing

struct BLAKE2bTests {
    @Test func rfc7693AppendixAVector() {
        // RFC 7693 Appendix A: BLAKE2b-512("abc").
        let digest = BLAKE2b.hash(Array("abc".utf8))
        #expect(hex(digest) == "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d17d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923")
    }

    /// Digests from Python's `hashlib.blake2b(data, digest_size=d)` for `data[i] = (7i + 3) mod 256`,
    /// at lengths around the 128-byte block boundary.
    static let pythonVectors: [(Int, [(Int, String)])] = [
        (0, [(8, "e4a6a0577479b2b4"), (16, "cae66941d9efbd404e4d88758ea67670"), (32, "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8"), (64, "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce")]),
        (1, [(8, "c2fb54d88374033e"), (16, "71b186b851e866e71be237342976049a"), (32, "e88bd757ad5b9bedf372d8d3f0cf6c962a469db61a265f6418e1ffed86da29ec"), (64, "4fe4da61bcc756071b226843361d74944c72245d23e8245ea678c13fdcd7fe2ae529cf999ad99cc24f7a73416a18ba53e76c0afef83b16a568b12fbfc1a2674d")]),
        (3, [(8, "66dca9ec9fcd9a2c"), (16, "09e03a807474593d5cb98909e5d502cd"), (32, "9facd640130c81e7f318a8d5c660bc1b0f5d03861ffbd4cc1358e0e904593c28"), (64, "76ce7e90c577d436a65b691e51f0a1ad536130d70a18df3bf5368551327258b6f706f4a47c45f2d0d8147cfbb5623077e798247972e4f9338603a13abc05a4db")]),
        (127, [(8, "5c7a95645fba062c"), (16, "e00ab0ead4d729de8fbe7745d642e416"), (32, "c9ae3859964b35f04c54b36d33cf299d7290ee621005d28e51598a943560aaaa"), (64, "71546bbf9110ad184cc60f2eb120fcfd9b4dbbca7a7f1270045b8a23a6a4f4330f65c1f030dd2f5fabc6c57617242c37cf427bd90407fac5b9deffd3ae888c39")]),
        (128, [(8, "5a0875a570ceb2ae"), (16, "8e0cf9bb1b36fa6c42aa6490f719b575"), (32, "f0501d06597880592bc49234eef100ec1ff349058d0e9d9b753504e24af86dd6"), (64, "2d9e329f42afa3601d646692b81c13e87fcaff5bf15972e9813d7373cb6d181f9599f4d513d4af4fd6ebd37497aceb29aba5ee23ed764d8510b552bd088814fb")]),
        (129, [(8, "79f7ec8e27e1f993"), (16, "6cefde50e4008690e61cf8225d101256"), (32, "a34a4e1e03c541dfbf3099c4b6c143c022ced65c28bd7e8a10e0a098461aecf0"), (64, "47889df9eb4d717afc5019df5c6a83df00a0b8677395e078cd5778ace0f338a618e68b7d9afb065d9e6a01ccd31d109447e7fae771c3ee3e105709194122ba2b")]),
        (255, [(8, "0382ae4bfbfb3aa2"), (16, "b1bce9f0dc0bec101cd5e09b7961937c"), (32, "f2d64a40e9412a3414161ff6250075225418fd7c271c1123e162e1bca0de9f93"), (64, "1a5199ac66a00e8a87ad1c7fbad30b33137dd8312bf6d98602dacf8f40ea2cb623a7fbc63e5a6bfa434d337ae7da5ca1a52502a215a3fe0297a151be85d88789")]),
        (256, [(8, "27cc63362e6b95a6"), (16, "ac60b0f8b3227af67328401630cd4dfa"), (32, "d93ebb9c802f5630ab22516fd82b6c21bc8bd551d531349b715f046ed11ed871"), (64, "91019c558584980249ca43eceed27e19f1c3c24161b93eed1eee2a6a774f60bf8a81b43750870bee1698feac9c5336ae4d5c842e7ead159bf3916387e8ded9ae")]),
        (257, [(8, "553ab6c320fc7b98"), (16, "7e5b16bfede2940cbed4da50b56da597"), (32, "4ce481b24d387422d2bc2baa03d1afd55a1327939ff537c71eb9b38709268649"), (64, "9f1975efca45e7b74b020975d4d2c22802906ed8bfefca51ac497bd23147fc8f303890d8e5471ab6caaa02362e831a9e8d3435279912ccd4842c7806b096c348")]),
        (1000, [(8, "d6399f3c69af9d7b"), (16, "add263669b4eb2158678a360fa6f007a"), (32, "d62b6c768ce1afc8367e0498ab2f8e3f7c178c35b1429f14c4604b545d200f52"), (64, "4bdd2c9cf31d797a81d245c989ffb7515143ca345c66f73087dd5c58bf642bf083ba16894eab79e3b08d5126404d833e7510271b50be36a7b7cbbb46f5c89fac")]),
    ]

    @Test func matchesPythonHashlibAtSeveralDigestSizesAndBlockBoundaries() {
        for (length, digests) in Self.pythonVectors {
            let data = (0..<length).map { UInt8(($0 * 7 + 3) % 256) }
            for (size, expected) in digests {
                #expect(hex(BLAKE2b.hash(data, digestSize: size)) == expected, "length \(length), digest \(size)")
            }
        }
    }

    @Test func incrementalUpdatesEqualOneShot() {
        let data = (0..<1000).map { UInt8(($0 * 7 + 3) % 256) }
        var hasher = BLAKE2b(digestSize: 8)
        for chunk in stride(from: 0, to: data.count, by: 97) { hasher.update(data[chunk..<min(chunk + 97, data.count)]) }
        #expect(hex(hasher.finalize()) == "d6399f3c69af9d7b")
    }
}

func hex(_ bytes: [UInt8]) -> String {
    bytes.map { String(format: "%02x", $0) }.joined()
}
