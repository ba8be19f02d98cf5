import CacheWarmCore
import Testing

struct AddressPolicyTests {
    @Test(arguments: [
        ("127.0.0.1", AddressPolicy.AddressClass.loopback), ("127.255.0.9", .loopback), ("::1", .loopback),
        ("10.1.2.3", .privateNetwork), ("172.16.0.1", .privateNetwork), ("172.31.255.255", .privateNetwork), ("192.168.1.1", .privateNetwork),
        ("100.64.0.1", .privateNetwork), ("169.254.169.254", .linkLocal), ("fe80::1", .linkLocal), ("fd00::1", .uniqueLocal),
        ("0.0.0.0", .unspecified), ("::", .unspecified), ("224.0.0.1", .multicast), ("ff02::1", .multicast),
        ("::ffff:169.254.169.254", .linkLocal), ("::ffff:127.0.0.1", .loopback), ("64:ff9b::a9fe:a9fe", .linkLocal),
        ("8.8.8.8", .publicUnicast), ("172.32.0.1", .publicUnicast), ("2606:4700::1111", .publicUnicast), ("[2a00:1450::1]", .publicUnicast),
        // Spellings the connect path (glibc inet_aton) reads as something else than they seem.
        ("012.0.0.1", .privateNetwork), ("172.037.0.5", .privateNetwork), ("0177.0.0.1", .loopback), ("0x7f.1", .loopback),
        ("127.1", .loopback), ("2130706433", .loopback), ("0xA9FEA9FE", .linkLocal), ("169.254.43518", .linkLocal), ("0", .unspecified),
        // IPv6 forms that carry an IPv4 address are judged by it; AWS's IPv6 metadata is link-local.
        ("::127.0.0.1", .loopback), ("::a9fe:a9fe", .linkLocal), ("2002:a9fe:a9fe::1", .linkLocal), ("2002:0808:0808::1", .publicUnicast),
        ("64:ff9b:1::a00:1", .privateNetwork), ("2001:0:4136:e378::1", .reserved), ("fd00:ec2::254", .linkLocal),
        ("[2001:db8::1]", .reserved), ("192.0.2.1", .reserved), ("203.0.113.9", .reserved), ("255.255.255.255", .reserved),
    ])
    func classifiesAddresses(_ text: String, _ expected: AddressPolicy.AddressClass) throws {
        #expect(try #require(IPAddress(text)).addressClass == expected)
    }

    @Test func rejectsTextThatIsNoAddress() {
        for text in ["example.com", "1.2.3.256", "1.2.3.4.", "1..2", "0x", "09.1.1.1", "4294967296", "1.2.3.4.5", "::1::2", "12345::",
                     "1:2:3:4:5:6:7:8:9", "::ffff:012.0.0.1", "٢٠٢٦"] {
            #expect(IPAddress(text) == nil, "\(text)")
        }
    }

    @Test func localhostAndNamesUnderItAreLoopbackWithoutAskingDNS() {
        for name in ["localhost", "LOCALHOST.", "a.localhost", "x.y.localhost."] {
            #expect(AddressPolicy().refusal(forName: name) == .loopback, "\(name)")
            #expect(AddressPolicy(allowLoopback: true).refusal(forName: name) == nil, "\(name)")
        }
        for name in ["localhost.example.com", "notlocalhost", "example.com"] { #expect(AddressPolicy().refusal(forName: name) == nil, "\(name)") }
    }

    @Test func refusesEverythingButPublicByDefaultAndOpensOnlyWhatIsAllowed() throws {
        let metadata = try #require(IPAddress("169.254.169.254"))
        let loopback = try #require(IPAddress("127.0.0.1"))
        let privateAddress = try #require(IPAddress("10.0.0.1"))
        #expect(AddressPolicy().refusal(for: metadata) == .linkLocal)
        #expect(AddressPolicy().refusal(for: loopback) == .loopback)
        #expect(AddressPolicy().refusal(for: try #require(IPAddress("93.184.216.34"))) == nil)
        let loopbackOnly = AddressPolicy(allowLoopback: true)
        #expect(loopbackOnly.refusal(for: loopback) == nil)
        #expect(loopbackOnly.refusal(for: privateAddress) == .privateNetwork)
        #expect(loopbackOnly.refusal(for: metadata) == .linkLocal)
        #expect(AddressPolicy(allowPrivate: true).refusal(for: metadata) == .linkLocal)
        #expect(AddressPolicy(allowPrivate: true).refusal(for: try #require(IPAddress("fd00:ec2::254"))) == .linkLocal)
        #expect(AddressPolicy(allowedHosts: ["*.corp.example"]).isAllowedHost("API.corp.example"))
        #expect(!AddressPolicy(allowedHosts: ["*.corp.example"]).isAllowedHost("corp.example.evil"))
    }
}
