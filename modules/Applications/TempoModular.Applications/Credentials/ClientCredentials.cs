using System.Buffers.Text;
using System.Security.Cryptography;

namespace TempoModular.Applications;

/// <summary>Making and checking client ids and client secrets.</summary>
internal static class ClientCredentials
{
    // 128 bits: client ids are not secret (RFC 6749 §2.2), but guessing one must
    // be hopeless so that ids cannot be enumerated.
    private const int ClientIdBytes = 16;

    // 256 bits: the secret is the only thing that authenticates a confidential
    // client (RFC 6749 §2.3.1); RFC 6749 §10.10 asks for a probability of
    // guessing of at most 2^-128, and 256 bits leave ample margin.
    private const int ClientSecretBytes = 32;

    /// <summary>The Data Protection purpose of client secrets; changing it makes every stored secret unreadable.</summary>
    public const string SecretProtectionPurpose = "TempoModular.Applications.ClientSecret.v1";

    /// <summary>A fresh client id, URL-safe so it can travel in query strings and paths unescaped.</summary>
    public static string NewClientId()
    {
        // Base64url may start with "-" or "_": such an id reads as an option to
        // command-line tools (curl, grep) and breaks onto a line of its own when
        // wrapped. Drawn again 1 time in 32, which costs the id less than a tenth
        // of a bit of its 128.
        string id;
        do
        {
            id = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(ClientIdBytes));
        }
        while (!char.IsAsciiLetterOrDigit(id[0]));

        return id;
    }

    /// <summary>A fresh client secret, URL-safe so it survives form and Basic encoding unchanged.</summary>
    public static string NewClientSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(ClientSecretBytes));

    /// <summary>
    /// Whether a presented secret equals an expected one, taking the same time
    /// wherever they differ, so response times do not reveal how much of a
    /// guess was right (RFC 6749 §10.10 / RFC 9700 §4.15 against brute force).
    /// </summary>
    public static bool SecretMatches(ReadOnlySpan<byte> presented, ReadOnlySpan<byte> expected) =>
        CryptographicOperations.FixedTimeEquals(presented, expected);
}
