namespace TempoModular.Authorization.Tests;

/// <summary>RFC 7636 S256: the challenge is BASE64URL(SHA256(verifier)).</summary>
internal static class Pkce
{
    public static string NewVerifier() => Base64Url(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    public static string Challenge(string verifier) => Base64Url(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(verifier)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
