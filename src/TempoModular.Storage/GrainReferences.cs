namespace TempoModular.Storage;

/// <summary>
/// Grain references for the request path. Orleans' <c>GetGrain&lt;T&gt;(key)</c>
/// works out T's grain interface type from its attributes on every call
/// (1.4 % of a token request's CPU in a profile, for one look-up); the two
/// types a reference is made of are the same for every key, so they are
/// resolved once per interface here and the reference is made from them.
/// </summary>
public static class GrainReferences
{
    /// <summary>The same reference as <c>grains.GetGrain&lt;T&gt;(key)</c>.</summary>
    public static T Get<T>(this IGrainFactory grains, string key) where T : IGrainWithStringKey
    {
        var (grainType, interfaceType) = Types<T>.Of(grains);
        return (T)grains.GetGrain(GrainId.Create(grainType, key), interfaceType);
    }

    private static class Types<T> where T : IGrainWithStringKey
    {
        // Derived from type names alone, so the same for every silo in the process.
        private static (GrainType, GrainInterfaceType)? _types;

        public static (GrainType, GrainInterfaceType) Of(IGrainFactory grains)
        {
            if (_types is { } known)
            {
                return known;
            }

            var sample = (GrainReference)(object)grains.GetGrain<T>("resolve");
            return (_types = (sample.GrainId.Type, sample.InterfaceType)).Value;
        }
    }
}
