using System.Reflection;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;
using Orleans.Storage;

namespace TempoModular.Storage;

public static class StorageRegistration
{
    /// <summary>The grain storage every grain names in its <c>[PersistentState]</c>.</summary>
    public const string GrainStorage = "tempo";

    /// <summary>Database, schema bootstrap, Data Protection key ring and the storage health check.</summary>
    public static IServiceCollection AddTempoStorage(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<StorageOptions>(configuration.GetSection(StorageOptions.Section));
        services.TryAddSingleton<TempoDatabase>();
        services.TryAddSingleton<SchemaBootstrap>();
        services.AddSchemaSource(typeof(StorageRegistration).Assembly);
        services.AddSingleton<ILifecycleParticipant<ISiloLifecycle>, SchemaBootstrapParticipant>();
        services.TryAddSingleton(TimeProvider.System);
        services.AddHostedService<WalCheckpoints>();

        // Client secrets are stored as Data Protection ciphertext, so the key ring
        // must outlive the process (and be shared by every host of a cluster).
        // The certificate's encryptor is registered before the key ring location,
        // which warns when none is (PostgreSQL).
        services.AddDataProtection().SetApplicationName("TempoModular").ProtectKeysWithConfiguredCertificate(configuration);
        services.AddSingleton<IConfigureOptions<KeyManagementOptions>, KeyRingLocation>();

        services.AddHealthChecks().AddCheck<StorageHealthCheck>("storage", tags: ["ready"]);
        return services;
    }

    /// <summary>Registers an assembly's embedded <c>sql/*.{dialect}.sql</c> scripts with the start-up bootstrap.</summary>
    public static IServiceCollection AddSchemaSource(this IServiceCollection services, Assembly assembly)
    {
        services.AddSingleton(new SchemaSource(assembly));
        return services;
    }

    /// <summary>Grain state through Orleans' ADO.NET provider on the configured database.</summary>
    public static ISiloBuilder AddTempoGrainStorage(this ISiloBuilder silo)
    {
        silo.AddAdoNetGrainStorage(GrainStorage, (OptionsBuilder<AdoNetGrainStorageOptions> options) =>
            options.Configure<TempoDatabase, Orleans.Serialization.Serializer>((o, database, serializer) =>
            {
                o.Invariant = database.AdoInvariant;
                o.ConnectionString = database.ConnectionString;

                // Orleans' own binary format, versioned by the [Id]/[Alias] on each
                // state class, rather than JSON that embeds .NET type names: a
                // renamed or moved class must not make stored rows unreadable.
                o.GrainStorageSerializer = new OrleansGrainStorageSerializer(serializer);
            }));
        return silo;
    }

    private sealed class SchemaBootstrapParticipant(SchemaBootstrap bootstrap) : ILifecycleParticipant<ISiloLifecycle>
    {
        // Before everything that reads its tables: cluster membership (which
        // starts at RuntimeInitialize) and the grain storage (ApplicationServices).
        public void Participate(ISiloLifecycle lifecycle) =>
            lifecycle.Subscribe(nameof(SchemaBootstrap), ServiceLifecycleStage.RuntimeInitialize - 2, bootstrap.ApplyAsync);
    }

    private sealed class KeyRingLocation(IOptions<StorageOptions> storage, IServiceProvider services) : IConfigureOptions<KeyManagementOptions>
    {
        public void Configure(KeyManagementOptions options)
        {
            // On PostgreSQL the keys sit in the same database as the secrets they
            // decrypt: whoever reads a backup reads both.
            if (storage.Value.Provider == StorageProvider.PostgreSql && options.XmlEncryptor is null)
            {
                services.GetRequiredService<Microsoft.Extensions.Logging.ILoggerFactory>().CreateLogger("TempoModular.Storage.KeyRing").LogWarning(
                    "The Data Protection key ring is stored unencrypted in the PostgreSQL database, next to the client secrets it protects: whoever reads a backup can decrypt them. Set DataProtection:Certificate to encrypt it.");
            }

            options.XmlRepository = storage.Value.Provider == StorageProvider.PostgreSql
                ? new DatabaseKeyRing(services.GetRequiredService<TempoDatabase>(), services.GetRequiredService<SchemaBootstrap>())
                : new PrivateFiles.KeyRingFolder(Path.Combine(storage.Value.DataFolderFullPath, "keys"));
        }
    }
}
