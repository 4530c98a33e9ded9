import { Observable } from 'rxjs';
import { brand, brandOf, hasInstance } from '../../lib/internal/brand';

type BrandModule = typeof import('../../lib/internal/brand');

/** A copy of the package in miniature: a branded hierarchy made with one copy of brand.ts. */
function makeCopy({ brand }: Pick<BrandModule, 'brand'>) {
  class Base extends Error {
    static {
      brand(this, 'spec.Base');
    }
  }
  class Child extends Base {
    static {
      brand(this, 'spec.Child');
    }
  }
  class Sibling extends Base {
    static {
      brand(this, 'spec.Sibling');
    }
  }
  abstract class Source<T> extends Observable<T> {
    static {
      brand(this, 'spec.Source');
    }
  }
  class ConcreteSource extends Source<number> {}
  return { Base, Child, Sibling, Source, ConcreteSource };
}

/** Loads brand.ts afresh, as a second build of the package would. */
function loadBrandAgain(): BrandModule {
  let module: BrandModule | undefined;
  jest.isolateModules(() => {
    module = jest.requireActual<BrandModule>('../../lib/internal/brand');
  });
  return module!;
}

describe('brand', () => {
  const here = makeCopy({ brand });
  const other = loadBrandAgain();
  const there = makeCopy(other);

  it('the second copy really is another module', () => {
    expect(other.brand).not.toBe(brand);
    expect(there.Child).not.toBe(here.Child);
  });

  describe('within one copy', () => {
    it('keeps the ordinary prototype-chain rule', () => {
      const child = new here.Child('x');
      expect(child).toBeInstanceOf(here.Child);
      expect(child).toBeInstanceOf(here.Base);
      expect(child).toBeInstanceOf(Error);
      expect(new here.Base('x')).not.toBeInstanceOf(here.Child);
      expect(new here.Sibling('x')).not.toBeInstanceOf(here.Child);
    });

    it('counts a subclass written outside the library as an instance of its branded parents', () => {
      class UserChild extends here.Child {}
      const user = new UserChild('x');
      expect(user).toBeInstanceOf(UserChild);
      expect(user).toBeInstanceOf(here.Child);
      expect(user).toBeInstanceOf(here.Base);
    });

    it('does not count a parent instance as one of an unbranded user subclass', () => {
      class UserChild extends here.Child {}
      expect(new here.Child('x')).not.toBeInstanceOf(UserChild);
      expect(new there.Child('x')).not.toBeInstanceOf(UserChild);
    });

    it('works for an abstract class that extends an RxJS Observable, and its subclasses', () => {
      class UserSource extends here.Source<string> {}
      expect(new UserSource()).toBeInstanceOf(here.Source);
      expect(new UserSource()).toBeInstanceOf(Observable);
      expect(new here.ConcreteSource()).toBeInstanceOf(here.Source);
      expect(new Observable()).not.toBeInstanceOf(here.Source);
    });

    it.each([null, undefined, 0, 'spec.Base', Symbol.for('rx-channels.spec.Base'), {}, [], () => 1, new Error('x')])(
      'answers false for an unrelated value %p',
      (value) => {
        expect(value instanceof here.Base).toBe(false);
        expect(value instanceof here.Source).toBe(false);
      },
    );
  });

  describe('across two copies', () => {
    it('an instance from the other copy is an instance of this copy’s class and its parents', () => {
      const child = new there.Child('x');
      expect(child).toBeInstanceOf(here.Child);
      expect(child).toBeInstanceOf(here.Base);
      expect(new here.Child('x')).toBeInstanceOf(there.Base);
    });

    it('but not of a sibling or of a subclass', () => {
      expect(new there.Child('x')).not.toBeInstanceOf(here.Sibling);
      expect(new there.Base('x')).not.toBeInstanceOf(here.Child);
    });

    it('a user subclass of the other copy’s class counts too', () => {
      class UserChild extends there.Child {}
      expect(new UserChild('x')).toBeInstanceOf(here.Child);
      class UserSource extends there.Source<number> {}
      expect(new UserSource()).toBeInstanceOf(here.Source);
      expect(new UserSource()).not.toBeInstanceOf(here.Base);
    });
  });

  describe('the brand itself', () => {
    it('is a registry symbol set on the prototype, not on instances', () => {
      const child = new here.Child('x');
      const symbol = Symbol.for('rx-channels.spec.Child');
      expect(Object.hasOwn(here.Child.prototype, symbol)).toBe(true);
      expect(Object.getOwnPropertySymbols(child)).toEqual([]);
      expect(Object.keys(here.Child.prototype)).toEqual([]);
    });

    it('brandOf() gives the name a class was branded with, and nothing for an unbranded subclass', () => {
      class UserChild extends here.Child {}
      expect(brandOf(here.Child)).toBe('spec.Child');
      expect(brandOf(UserChild)).toBeUndefined();
      expect(brandOf(Error)).toBeUndefined();
    });

    it('brand() returns the class and installs hasInstance as a static Symbol.hasInstance', () => {
      class Fresh {}
      expect(brand(Fresh, 'spec.Fresh')).toBe(Fresh);
      expect(Object.getOwnPropertyDescriptor(Fresh, Symbol.hasInstance)?.value).toBe(hasInstance);
      expect(Object.create(Fresh.prototype) instanceof Fresh).toBe(true);
      expect({ [Symbol.for('rx-channels.spec.Fresh')]: true } instanceof Fresh).toBe(true);
      expect({ [Symbol.for('rx-channels.spec.Fresh')]: 'yes' } instanceof Fresh).toBe(false);
    });
  });
});
