using TempoModular.Applications.Tokens;

namespace TempoModular.Applications.Tests;

/// <summary>
/// The in-memory token set keeps tokens compactly and gives back exactly what
/// was recorded, judged by the same rules.
/// </summary>
public sealed class TokenSetTests
{
    private const string ClientId = "Yx3kq0H9cTsoQ2b7mNw4Vg";
    private const string AccessToken = "urn:ietf:params:oauth:token-type:access_token";
    private const string RefreshToken = "urn:ietf:params:oauth:token-type:refresh_token";
    private const string AuthorizationCode = "urn:openiddict:params:oauth:token-type:authorization_code";

    // Ticks not on a millisecond: the set must keep what it was given, not what storage would round to.
    private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 3, 14, 15, 9, 26, TimeSpan.Zero).AddTicks(5_358_979);

    public static TheoryData<string, TokenRecord> Tokens => new()
    {
        { "access token", Access() },
        { "access token without subject", Access() with { Subject = null } },
        { "token that never expires", Access() with { ExpiresAt = null } },
        { "token that expires at the end of time", Access() with { ExpiresAt = DateTimeOffset.MaxValue } },
        { "token of a grant", Access() with { AuthorizationId = ClientId + ".grant" } },
        { "authorization code", Code() },
        { "redeemed code", Code() with { Status = TokenStatuses.Redeemed, RedeemedAt = Now.AddSeconds(3) } },
        { "refresh token with properties", Access() with { Type = RefreshToken, Properties = "{\"chain\":1}", AuthorizationId = ClientId + ".grant" } },
        { "revoked token", Access() with { Status = TokenStatuses.Revoked } },
        { "rejected token", Access() with { Status = TokenStatuses.Rejected } },
        { "inactive token", Access() with { Status = TokenStatuses.Inactive } },
        { "token with a short type hint", Access() with { Type = "refresh_token" } },
        { "token of a late version", Access() with { Version = int.MaxValue } },
        { "token created in another offset", Access() with { CreatedAt = Now.ToOffset(TimeSpan.FromHours(2)) } },
        { "token expiring in another offset", Access() with { ExpiresAt = Now.AddHours(1).ToOffset(TimeSpan.FromHours(-5)) } },
        { "code redeemed in another offset", Code() with { RedeemedAt = Now.ToOffset(TimeSpan.FromHours(1)) } },
        { "token of an unknown type", Access() with { Type = "urn:example:token-type:other" } },
        { "token of an unknown status", Access() with { Status = "suspended" } },
        { "token with an empty type", Access() with { Type = "" } },
        { "id of another application", Access() with { Id = TokenIds.New("another-client") } },
        { "id with no key", Access() with { Id = ClientId + "." } },
        { "id with a short key", Access() with { Id = ClientId + ".0000000000000000000000000000000" } },
        { "id with a long key", Access() with { Id = ClientId + ".000000000000000000000000000000000" } },
        { "id with a key in upper-case hex", Access() with { Id = ClientId + ".0000000000000000000000000000000A" } },
        { "id with a key not in hex", Access() with { Id = ClientId + ".0000000000000000000000000000000g" } },
        { "id with a space in the key", Access() with { Id = ClientId + ".0000000000000000000000000000000 " } },
        { "id of the earlier base64url form", Access() with { Id = ClientId + ".AAAAAAAAAAAAAAAAAAAAAA" } },
        { "id of a longer client id", Access() with { Id = TokenIds.New(ClientId + "x") } },
        { "id with no client id", Access() with { Id = TokenIds.New("")[1..] } },
    };

    [Theory]
    [MemberData(nameof(Tokens))]
    public void Token_reads_back_exactly_as_recorded(string shape, TokenRecord token)
    {
        var set = new TokenSet(ClientId);
        set.TryAdd(Access());

        Assert.True(set.TryAdd(token), shape);

        AssertSame(token, set.Get(token.Id));
        AssertSame(token, Assert.Single(set.Tokens, t => t.Id == token.Id));
        if (token.ReferenceId is { } reference)
        {
            AssertSame(token, set.GetByReference(reference));
        }

        if (token.AuthorizationId is { } grant)
        {
            AssertSame(token, Assert.Single(set.TokensOfGrant(grant)));
        }

        Assert.Equal(2, set.Count);
    }

    [Theory]
    [MemberData(nameof(Tokens))]
    public void Token_reads_back_exactly_after_each_update(string shape, TokenRecord token)
    {
        var set = new TokenSet(ClientId);
        set.TryAdd(token);

        // Across the shapes: an entry gains extras, loses them, moves to the
        // records kept whole and back.
        var updates = new[]
        {
            token with { Status = TokenStatuses.Redeemed, RedeemedAt = Now, Payload = "payload", ReferenceId = "ref-" + shape },
            token with { Status = TokenStatuses.Valid, RedeemedAt = null, Payload = null, ReferenceId = null, Properties = null },
            token with { Type = "urn:example:token-type:other", Subject = "someone else" },
            token,
        };
        foreach (var update in updates)
        {
            var current = set.Get(token.Id)!;
            Assert.True(set.TryUpdate(update with { Version = current.Version }, out var stored), shape);
            Assert.Equal(current.Version + 1, stored.Version);
            AssertSame(update with { Version = current.Version + 1 }, set.Get(token.Id));
        }

        Assert.Null(set.GetByReference("ref-" + shape));
        Assert.Equal(1, set.Count);
    }

    [Fact]
    public async Task Ids_made_later_sort_after_earlier_ones_and_differ_within_one_millisecond()
    {
        var earlier = TokenIds.New(ClientId);
        var sameMillisecond = Enumerable.Range(0, 1000).Select(_ => TokenIds.New(ClientId)).ToHashSet(StringComparer.Ordinal);
        await Task.Delay(5);
        var later = TokenIds.New(ClientId);

        Assert.Matches($"^{ClientId}\\.[0-9a-f]{{32}}$", later);
        Assert.True(string.CompareOrdinal(earlier, later) < 0, $"{earlier} then {later}");
        Assert.Equal(1000, sameMillisecond.Count);
    }

    [Fact]
    public async Task Ids_made_on_many_threads_at_once_never_repeat()
    {
        // Each thread draws its random bytes from a buffer of its own, refilled every 256 ids.
        var ids = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => Enumerable.Range(0, 2000).Select(_ => TokenIds.New(ClientId)).ToArray())));

        Assert.Equal(8 * 2000, ids.SelectMany(i => i).ToHashSet(StringComparer.Ordinal).Count);
    }

    [Fact]
    public void Duplicate_ids_are_refused_wherever_the_first_is_kept()
    {
        var set = new TokenSet(ClientId);
        var compact = Access();
        var whole = Access() with { CreatedAt = Now.ToOffset(TimeSpan.FromHours(1)) };
        set.TryAdd(compact);
        set.TryAdd(whole);

        Assert.False(set.TryAdd(compact with { Subject = "other" }));
        Assert.False(set.TryAdd(whole with { CreatedAt = Now }));
        AssertSame(compact, set.Get(compact.Id));
        AssertSame(whole, set.Get(whole.Id));
    }

    [Fact]
    public void Update_of_a_stale_version_or_an_unknown_token_is_refused()
    {
        var set = new TokenSet(ClientId);
        var token = Access();
        set.TryAdd(token);
        Assert.True(set.TryUpdate(token with { Status = TokenStatuses.Redeemed }, out _));

        Assert.False(set.TryUpdate(token with { Status = TokenStatuses.Revoked }, out var current));
        AssertSame(token with { Status = TokenStatuses.Redeemed, Version = 1 }, current);
        Assert.False(set.TryUpdate(Access(), out var unknown));
        Assert.Null(unknown);
    }

    [Fact]
    public void Subjects_and_grants_read_back_after_the_tokens_naming_them_are_pruned()
    {
        var set = new TokenSet(ClientId);
        set.TryAdd(Access() with { Subject = "alice", AuthorizationId = ClientId + ".a", ExpiresAt = Now });
        set.Prune(Now);

        // Reuses the names' forgotten slots; "alice" comes back in another.
        var bob = Access() with { Subject = "bob", AuthorizationId = ClientId + ".b" };
        var alice = Access() with { Subject = "alice", AuthorizationId = ClientId + ".a" };
        set.TryAdd(bob);
        set.TryAdd(alice);

        AssertSame(bob, set.Get(bob.Id));
        AssertSame(alice, set.Get(alice.Id));
        Assert.Empty(set.TokensOfGrant(ClientId + ".c"));
    }

    [Fact]
    public void Tokens_of_an_unknown_grant_are_none_not_the_tokens_without_a_grant()
    {
        var set = new TokenSet(ClientId);
        set.TryAdd(Access());
        set.TryAdd(Access() with { Id = "not-ours", AuthorizationId = ClientId + ".grant" });

        Assert.Empty(set.TokensOfGrant(ClientId + ".unknown"));
        Assert.Equal("not-ours", Assert.Single(set.TokensOfGrant(ClientId + ".grant")).Id);
    }

    [Fact]
    public void Tokens_are_judged_revoked_by_their_grant_or_the_watermark()
    {
        var set = new TokenSet(ClientId);
        var grant = Grant("ad-hoc");
        set.TryAdd(grant);
        var ofGrant = Access() with { AuthorizationId = grant.Id };
        var early = Access() with { CreatedAt = Now.AddMinutes(-10) };
        var late = Access() with { CreatedAt = Now.AddMinutes(10) };
        var other = Access() with { Id = "not-ours", AuthorizationId = grant.Id };
        foreach (var token in new[] { ofGrant, early, late, other })
        {
            set.TryAdd(token);
        }

        Assert.Equal(4, set.CountActive(Now, null));
        Assert.True(set.TryUpdate(grant with { Status = TokenStatuses.Revoked }, out _));

        Assert.Equal(TokenStatuses.Revoked, set.Judge(set.Get(ofGrant.Id)!, null).Status);
        Assert.Equal(TokenStatuses.Revoked, set.Judge(set.Get(other.Id)!, null).Status);
        Assert.Equal(TokenStatuses.Revoked, set.Judge(set.Get(early.Id)!, Now).Status);
        AssertSame(late, set.Judge(set.Get(late.Id)!, Now));
        Assert.Equal(2, set.CountActive(Now, null));
        Assert.Equal(1, set.CountActive(Now, Now));
    }

    [Fact]
    public void Active_tokens_are_listed_newest_first_a_page_at_a_time()
    {
        var set = new TokenSet(ClientId);
        var active = Enumerable.Range(0, 5).Select(i => Access() with { CreatedAt = Now.AddMinutes(i) }).ToList();
        active.Add(Access() with { Id = "not-ours", CreatedAt = Now.AddMinutes(2.5) });
        var inactive = new[]
        {
            Access() with { ExpiresAt = Now },
            Access() with { Status = TokenStatuses.Redeemed },
            Access() with { Status = TokenStatuses.Revoked },
            Access() with { CreatedAt = Now.AddMinutes(-1) },
        };
        foreach (var token in active.Concat(inactive))
        {
            set.TryAdd(token);
        }

        var newestFirst = active.OrderByDescending(t => t.CreatedAt).Select(t => t.Id).ToList();
        var (first, total) = set.ActivePage(Now, Now.AddSeconds(-1), 0, 4);
        var (second, _) = set.ActivePage(Now, Now.AddSeconds(-1), 4, 4);

        Assert.Equal(6, total);
        Assert.Equal(6, set.CountActive(Now, Now.AddSeconds(-1)));
        Assert.Equal(newestFirst, first.Concat(second).Select(t => t.Id));
        AssertSame(active[4], first[0]);
    }

    [Fact]
    public void Pruning_forgets_expired_tokens_their_references_and_ad_hoc_grants_left_without_tokens()
    {
        var set = new TokenSet(ClientId);
        var emptied = Grant("ad-hoc");
        var keptByEntry = Grant("ad-hoc");
        var keptByRecord = Grant("ad-hoc");
        var permanent = Grant("permanent");
        var recent = Grant("ad-hoc") with { CreatedAt = Now.AddHours(2) };
        foreach (var grant in new[] { emptied, keptByEntry, keptByRecord, permanent, recent })
        {
            set.TryAdd(grant);
        }

        var expiredCode = Code() with { AuthorizationId = emptied.Id, ExpiresAt = Now };
        var expiredRecord = Access() with { Id = "expired-not-ours", ExpiresAt = Now, ReferenceId = "expired-ref" };
        var live = Access() with { AuthorizationId = keptByEntry.Id };
        var liveRecord = Access() with { Id = "live-not-ours", AuthorizationId = keptByRecord.Id };
        var forever = Access() with { ExpiresAt = null };
        foreach (var token in new[] { expiredCode, expiredRecord, live, liveRecord, forever })
        {
            set.TryAdd(token);
        }

        var (tokens, grants) = set.Prune(Now);

        Assert.Equal(2, tokens);
        Assert.Equal(new[] { emptied.Id }, grants);
        Assert.Null(set.Get(expiredCode.Id));
        Assert.Null(set.Get(expiredRecord.Id));
        Assert.Null(set.GetByReference(expiredCode.ReferenceId!));
        Assert.Null(set.GetByReference("expired-ref"));
        Assert.Equal(
            new[] { live.Id, liveRecord.Id, forever.Id }.Order(),
            set.Tokens.Select(t => t.Id).Order());
        Assert.Equal(
            new[] { keptByEntry.Id, keptByRecord.Id, permanent.Id, recent.Id }.Order(),
            set.Grants.Select(g => g.Id).Order());
    }

    [Fact]
    public void Pruning_allocates_nothing_per_token()
    {
        // Runs every ten minutes over every token of the application, on the grain's turn.
        var set = new TokenSet(ClientId);
        for (var i = 0; i < 100_000; i++)
        {
            set.TryAdd(Access() with { ExpiresAt = Now.AddMinutes(i % 2 == 0 ? 5 : 60) });
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var (pruned, _) = set.Prune(Now.AddMinutes(10));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(50_000, pruned);
        Assert.True(allocated < 16 * 1024, $"Pruning 50,000 of 100,000 tokens allocated {allocated:N0} bytes.");
    }

    private static TokenRecord Access() =>
        new(TokenIds.New(ClientId), null, ClientId, AccessToken, TokenStatuses.Valid, Now, Now.AddHours(1), null, null, null, null, 0);

    private static TokenRecord Code() =>
        Access() with { Type = AuthorizationCode, Subject = "alice", AuthorizationId = ClientId + ".grant", ReferenceId = "ref-" + Guid.NewGuid(), Payload = "eyJhbGciOi.payload", Properties = "{\"pkce\":true}" };

    private static GrantRecord Grant(string type) =>
        new(TokenIds.New(ClientId), "alice", type, TokenStatuses.Valid, ["worklogs"], Now, null, 0);

    // Record equality compares times as instants; the set must also keep their offsets.
    private static void AssertSame(TokenRecord expected, TokenRecord? actual)
    {
        Assert.Equal(expected, actual);
        Assert.Equal(expected.CreatedAt.Offset, actual!.CreatedAt.Offset);
        Assert.Equal(expected.ExpiresAt?.Offset, actual.ExpiresAt?.Offset);
        Assert.Equal(expected.RedeemedAt?.Offset, actual.RedeemedAt?.Offset);
    }
}
