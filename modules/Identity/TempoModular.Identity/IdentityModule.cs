using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace TempoModular.Identity;

public static class IdentityModule
{
    public static IServiceCollection AddIdentityModule(this IServiceCollection services, IConfiguration configuration)
    {
        return services;
    }
}
