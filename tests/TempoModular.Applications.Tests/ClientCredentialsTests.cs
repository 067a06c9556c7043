using System.Buffers.Text;
using System.Diagnostics;
using System.Security.Cryptography;

namespace TempoModular.Applications.Tests;

public sealed class ClientCredentialsTests
{
    [Fact]
    public void Client_id_is_128_random_bits_in_base64url_without_padding()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => ClientCredentials.NewClientId()).ToList();

        Assert.All(ids, id => Assert.Equal(16, Base64Url.DecodeFromChars(id).Length));
        Assert.All(ids, id => Assert.Matches("^[A-Za-z0-9_-]{22}$", id));
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void Client_ids_start_with_a_letter_or_digit()
    {
        // 3,000 draws: with a plain base64url id about 94 would start with "-" or "_".
        var ids = Enumerable.Range(0, 3000).Select(_ => ClientCredentials.NewClientId()).ToList();

        Assert.All(ids, id => Assert.True(char.IsAsciiLetterOrDigit(id[0]), $"Client id {id} starts with '{id[0]}'."));
    }

    [Fact]
    public void Client_secret_is_256_random_bits_in_base64url_without_padding()
    {
        var secrets = Enumerable.Range(0, 1000).Select(_ => ClientCredentials.NewClientSecret()).ToList();

        Assert.All(secrets, s => Assert.Equal(32, Base64Url.DecodeFromChars(s).Length));
        Assert.All(secrets, s => Assert.Matches("^[A-Za-z0-9_-]{43}$", s));
        Assert.Equal(secrets.Count, secrets.Distinct().Count());
    }

    [Fact]
    public void Secret_comparison_takes_as_long_when_the_first_byte_differs_as_when_the_last_one_does()
    {
        // Long inputs make an early-exit comparison obvious: it would stop after
        // one byte in one case and read 64 KiB in the other.
        var expected = RandomNumberGenerator.GetBytes(64 * 1024);
        var firstDiffers = (byte[])expected.Clone();
        firstDiffers[0] ^= 1;
        var lastDiffers = (byte[])expected.Clone();
        lastDiffers[^1] ^= 1;

        Assert.False(ClientCredentials.SecretMatches(firstDiffers, expected));
        Assert.False(ClientCredentials.SecretMatches(lastDiffers, expected));
        Assert.True(ClientCredentials.SecretMatches((byte[])expected.Clone(), expected));

        // An early exit would make the ratio about 1/65,536; a factor of ten either
        // way leaves room for a loaded machine (0.5-2 failed under parallel builds)
        // and still catches it by three orders of magnitude.
        var ratio = FastestTicks(firstDiffers, expected) / FastestTicks(lastDiffers, expected);
        Assert.InRange(ratio, 0.1, 10.0);
    }

    [Fact]
    public void Printed_credentials_do_not_show_the_secret()
    {
        var secret = ClientCredentials.NewClientSecret();

        var printed = new ApplicationCredentials("client", secret, null).ToString();

        Assert.DoesNotContain(secret, printed, StringComparison.Ordinal);
        Assert.Contains("client", printed, StringComparison.Ordinal);
    }

    // The fastest of several batches: the least disturbed by other work on the machine.
    private static double FastestTicks(byte[] presented, byte[] expected)
    {
        var fastest = long.MaxValue;
        for (var batch = 0; batch < 30; batch++)
        {
            var start = Stopwatch.GetTimestamp();
            for (var i = 0; i < 20; i++)
            {
                ClientCredentials.SecretMatches(presented, expected);
            }

            fastest = Math.Min(fastest, Stopwatch.GetTimestamp() - start);
        }

        return fastest;
    }
}
