using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace TempoModular.Identity.Users;

/// <summary>
/// ASP.NET Core Identity's password hasher (V3: PBKDF2-HMAC-SHA512, per-password
/// salt) plus a hash of a random password to spend the same work on unknown users.
/// </summary>
internal sealed class PasswordHashing
{
    private static readonly UserState NoUser = new();
    private readonly PasswordHasher<UserState> _hasher;
    private readonly string _unknownUserHash;

    public PasswordHashing(IOptions<PasswordHasherOptions> options)
    {
        _hasher = new PasswordHasher<UserState>(options);
        // Made with the same hasher, hence the same iteration count as real hashes,
        // so checking it costs what checking a real user's password costs. Made
        // here, not on first use, so no unknown-user check ever pays for it.
        _unknownUserHash = Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
    }

    public string Hash(string password) => _hasher.HashPassword(NoUser, password);

    public PasswordVerificationResult Verify(string hash, string password) =>
        _hasher.VerifyHashedPassword(NoUser, hash, password);

    /// <summary>Does the work of a password check for a user name that does not exist, and fails.</summary>
    public void VerifyUnknownUser(string password) =>
        _hasher.VerifyHashedPassword(NoUser, _unknownUserHash, password);
}
